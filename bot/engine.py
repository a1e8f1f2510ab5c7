"""The conversation engine: (session, event) -> (new session, replies); pure, no I/O."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot import quiz, replies
from bot.buttons import Action, ButtonData
from bot.content import Content, Question
from bot.faq import FaqMatcher
from bot.followup import FollowUps, profile_of
from bot.groups import privacy
from bot.messages import (
    PRIVATE_CHAT,
    ChoiceEvent,
    Command,
    CommandEvent,
    Delivery,
    EngineEvent,
    Option,
    Origin,
    Reply,
    ReplyKind,
    Section,
    rich,
)
from bot.replies import Buttons, notice
from bot.session import QuizState, Session, forked
from bot.smalltalk import SmallTalk, SmallTalkIndex

logger = logging.getLogger(__name__)

Result = tuple[Session, list[Reply]]
MAX_TOPIC_SEARCH = 25
DEEP_LINKED = {Command.START: "start", Command.QUIZ: "quiz"}  # moved to a private chat in groups
HIDDEN_IN_GROUPS = {Command.BACK}  # the quiz goes on in a private chat there


class Engine:
    """Holds validated content and the FAQ index; every call is a pure function of its input."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.matcher = FaqMatcher(content.faq.topics, content.lexicon)
        self.small_talk = SmallTalkIndex(content.lexicon)
        self.followups = FollowUps(content, self.matcher.normalizer)
        self._topic_ids = {t.id for t in content.faq.topics}
        self._question_ids = {q.id for q in content.quiz.questions}
        self._plain_labels: dict[str, str] = {}

    # -- entry point -------------------------------------------------------------------------
    def handle(
        self, session: Session, event: EngineEvent, owner: str, origin: Origin = PRIVATE_CHAT
    ) -> Result:
        """Apply one event for the user `owner`; the input session is never modified."""
        session = forked(session)
        self._drop_unknown_quiz(session)
        buttons = Buttons(owner, session.nonce)
        if isinstance(event, CommandEvent):
            result = self._command(session, buttons, event.name, event.argument)
            session, out = result[0], self._with_private_link(result[1], event.name, origin)
        elif isinstance(event, ChoiceEvent):
            session, out = self._choice(session, buttons, event)
            out = privacy.shared_press(out) if event.data.shared else out
        else:
            session, out = self._text(session, buttons, event.text)
        out, moved = privacy.keep_private(self.content, out, origin)
        if moved and session.flow == "quiz":
            self._end_quiz(session)  # the health question goes on in a private chat
        return session, out

    def command_menu(self, *, group: bool) -> list[tuple[str, str]]:
        """(command, description) for a platform's command list; groups leave some out."""
        return [
            (name, text)
            for name, text in self.content.texts.commands.items()
            if not (group and name in HIDDEN_IN_GROUPS)
        ]

    def search_topics(
        self, text: str, limit: int = MAX_TOPIC_SEARCH
    ) -> list[tuple[str, str, float]]:
        """FAQ topics for autocomplete: best matches first, or the menu order for empty text."""
        topics = self.content.faq.topics
        if not text.strip():
            return [(t.id, t.question, 0.0) for t in topics[:limit]]
        ranked = [(tid, s) for tid, s in self.matcher.rank(text) if s > 0][:limit]
        return [(tid, self.content.topic(tid).question, s) for tid, s in ranked]

    def not_yours_reply(self) -> Reply:
        return notice(self.content.texts.not_yours)

    def bad_button_reply(self) -> Reply:
        return notice(self.content.texts.bad_option)

    def store_unavailable_reply(self) -> Reply:
        return replies.text_reply(
            self.content.texts.store_unavailable, self.content, None, ReplyKind.ERROR
        )

    def forgotten_reply(self) -> Reply:
        return replies.text_reply(self.content.texts.forgotten, self.content, None)

    def _drop_unknown_quiz(self, session: Session) -> None:
        """A quiz saved before the content changed (its question is gone) ends quietly."""
        state = session.quiz
        if session.flow == "quiz" and (state is None or state.step not in self._question_ids):
            self._end_quiz(session)

    def _with_private_link(self, out: list[Reply], name: Command, origin: Origin) -> list[Reply]:
        """In a group that can't whisper, a long flow offers to move to a private chat."""
        payload = DEEP_LINKED.get(name)
        if not (origin.group and not origin.whisper and payload and out):
            return out
        link = Option(self.content.texts.continue_in_private_label, link=payload)
        return [*out[:-1], replace(out[-1], options=(*out[-1].options, link))]

    # -- commands ----------------------------------------------------------------------------
    def _command(self, session: Session, buttons: Buttons, name: Command, argument: str) -> Result:
        texts, content = self.content.texts, self.content
        match name:
            case Command.START:
                return self._start(session, buttons, argument.strip())
            case Command.QUIZ:
                return self._start_quiz(session, buttons.owner, Delivery.SEND)
            case Command.FAQ:
                return self._faq(session, buttons, argument.strip())
            case Command.ASK:
                return self._text(session, buttons, argument, force_faq=True)
            case Command.COMPARE:
                return session, [replies.comparison_reply(content, buttons)]
            case Command.CANCEL:
                return self._cancel(session, buttons)
            case Command.BACK:
                return self._back(session, buttons.owner, Delivery.SEND)
            case Command.FORGET:
                return session, [self.forgotten_reply()]
        return session, [replies.text_reply(texts.help, content, buttons)]

    def _start(self, session: Session, buttons: Buttons, payload: str) -> Result:
        if payload == "quiz":
            return self._start_quiz(session, buttons.owner, Delivery.SEND)
        if payload == "compare":
            return session, [replies.comparison_reply(self.content, buttons)]
        if payload == "faq" or payload in self._topic_ids:
            return self._faq(session, buttons, "" if payload == "faq" else payload)
        return session, [replies.text_reply(self.content.texts.welcome, self.content, buttons)]

    def _faq(self, session: Session, buttons: Buttons, topic: str) -> Result:
        if topic in self._topic_ids:
            return session, [replies.topic_reply(self.content, topic, buttons)]
        if topic:
            return self._text(session, buttons, topic, force_faq=True)
        return session, [replies.menu_reply(self.content, 0, buttons, Delivery.SEND)]

    def _cancel(self, session: Session, buttons: Buttons) -> Result:
        if session.flow != "quiz":
            nothing = self.content.texts.nothing_to_cancel
            return session, [replies.text_reply(nothing, self.content, buttons)]
        self._end_quiz(session)
        buttons = Buttons(buttons.owner, session.nonce)
        return session, [replies.text_reply(self.content.texts.cancelled, self.content, buttons)]

    # -- the questionnaire -------------------------------------------------------------------
    def _start_quiz(self, session: Session, owner: str, delivery: Delivery) -> Result:
        session.round += 1
        session.flow = "quiz"
        session.quiz = QuizState(step=self.content.quiz.questions[0].id)
        return session, [self._ask(session, owner, delivery)]

    def _ask(self, session: Session, owner: str, delivery: Delivery) -> Reply:
        assert session.quiz is not None
        ids = [q.id for q in self.content.quiz.questions]
        index = ids.index(session.quiz.step)
        return replies.question_reply(
            self.content,
            self.content.quiz.questions[index],
            Buttons(owner, session.nonce),
            session.quiz.answers,
            number=index + 1,
            first=index == 0,
            delivery=delivery,
        )

    def _end_quiz(self, session: Session) -> None:
        session.flow = "idle"
        session.quiz = None
        session.round += 1

    def _back(self, session: Session, owner: str, delivery: Delivery) -> Result:
        state = session.quiz
        if session.flow != "quiz" or state is None or not state.history:
            nothing = self.content.texts.nothing_to_go_back_to
            if delivery is Delivery.EDIT:
                return session, [notice(nothing)]
            return session, [replies.text_reply(nothing, self.content, None)]
        state.answers.pop(state.step, None)
        state.step = state.history.pop()
        return session, [self._ask(session, owner, delivery)]

    def _answer(
        self, session: Session, owner: str, question: Question, answer: str, delivery: Delivery
    ) -> Result:
        state = session.quiz
        assert state is not None
        offered = {c.id for c in replies.offered_choices(self.content, question, state.answers)}
        if answer not in offered:
            return session, [notice(self.content.texts.bad_option)]
        if question.multi:
            picked = state.answers.setdefault(question.id, [])
            picked.remove(answer) if answer in picked else picked.append(answer)
            return session, [self._ask(session, owner, delivery)]
        state.answers[question.id] = [answer]
        return self._advance(session, owner, delivery)

    def _select(
        self,
        session: Session,
        owner: str,
        question: Question,
        chosen: tuple[str, ...],
        delivery: Delivery,
    ) -> Result:
        """A select menu's whole selection: one pick answers; a multi-select sets the picks."""
        state = session.quiz
        assert state is not None
        offered = [c.id for c in replies.offered_choices(self.content, question, state.answers)]
        if not set(chosen) <= set(offered) or (not question.multi and len(chosen) != 1):
            return session, [notice(self.content.texts.bad_option)]
        if not question.multi:
            return self._answer(session, owner, question, chosen[0], delivery)
        state.answers[question.id] = [a for a in offered if a in chosen]
        return session, [self._ask(session, owner, delivery)]

    def _advance(self, session: Session, owner: str, delivery: Delivery) -> Result:
        state = session.quiz
        assert state is not None
        following = quiz.next_question(self.content, state.step)
        if following is not None:
            state.history.append(state.step)
            state.step = following.id
            return session, [self._ask(session, owner, delivery)]
        try:
            rec = quiz.recommendation_from_answers(self.content, state.answers)
        except quiz.UnknownAnswer:  # the goals answered were removed from content meanwhile
            return self._start_quiz(session, owner, delivery)
        self._end_quiz(session)
        session.profile = profile_of(rec)  # for follow-ups such as "and for beginners?"
        buttons = Buttons(owner, session.nonce)
        return session, [replies.recommendation_reply(self.content, rec, buttons, delivery)]

    # -- option presses ----------------------------------------------------------------------
    def _choice(self, session: Session, buttons: Buttons, event: ChoiceEvent) -> Result:
        data = event.data
        match data.action:
            case Action.TOPIC if data.value in self._topic_ids:
                return session, [replies.topic_reply(self.content, data.value, buttons)]
            case Action.PAGE:
                menu = replies.menu_reply(self.content, data.page, buttons, Delivery.EDIT)
                return session, [menu]
            case Action.GO if data.value == "quiz":
                return self._start_quiz(session, buttons.owner, Delivery.SEND)
            case Action.GO if data.value == "faq":
                return self._faq(session, buttons, "")
            case Action.GO if data.value == "compare":
                return session, [replies.comparison_reply(self.content, buttons)]
        return self._quiz_press(session, buttons, data, event.selected)

    def _quiz_press(
        self, session: Session, buttons: Buttons, data: ButtonData, selected: tuple[str, ...]
    ) -> Result:
        """A quiz button counts only on the question it was shown with, in the current quiz."""
        state = session.quiz
        question = quiz.question(self.content, data.question)
        if question is None or data.action not in QUIZ_ACTIONS:
            return session, [notice(self.content.texts.bad_option)]
        if data.nonce != session.nonce or state is None or state.step != question.id:
            return session, [notice(self.content.texts.stale_option)]
        match data.action:
            case Action.ANSWER:
                return self._answer(session, buttons.owner, question, data.value, Delivery.EDIT)
            case Action.SELECT:
                return self._select(session, buttons.owner, question, selected, Delivery.EDIT)
            case Action.DONE if question.multi:
                state.answers.setdefault(question.id, [])
                return self._advance(session, buttons.owner, Delivery.EDIT)
            case Action.NONE if question.multi:
                state.answers[question.id] = []
                return self._advance(session, buttons.owner, Delivery.EDIT)
            case Action.BACK:
                return self._back(session, buttons.owner, Delivery.EDIT)
            case Action.CANCEL:
                return self._cancel(session, buttons)
        return session, [notice(self.content.texts.bad_option)]

    # -- free text ---------------------------------------------------------------------------
    def _text(
        self, session: Session, buttons: Buttons, text: str, force_faq: bool = False
    ) -> Result:
        texts = self.content.texts
        if not text.strip():
            return session, [replies.text_reply(texts.empty_text, self.content, buttons)]
        if session.flow == "quiz" and not force_faq:
            return self._text_mid_quiz(session, buttons, text)
        talk = self.small_talk.classify(text)
        if talk is SmallTalk.QUIZ and not force_faq:
            return self._start_quiz(session, buttons.owner, Delivery.SEND)
        if talk is not None and not force_faq:
            return session, [self._small_talk(talk, buttons)]
        return session, self._follow_up(session, text, buttons) or self._faq_reply(text, buttons)

    def _follow_up(self, session: Session, text: str, buttons: Buttons) -> list[Reply] | None:
        """After a quiz, "and for beginners?" re-plans this person's week (bot/followup.py)."""
        asked = self.followups.detect(text) if session.profile is not None else None
        if asked is None or session.profile is None:
            return None
        return self.followups.reply(session.profile, asked, buttons)

    def _faq_reply(self, text: str, buttons: Buttons) -> list[Reply]:
        """One reply per topic asked about, the main one first; or suggestions; or a decline."""
        found = self.matcher.match(text)
        if found.topic_id is not None:
            return [
                replies.topic_reply(self.content, topic_id, buttons, also=found.suggestions)
                for topic_id in (found.topic_id, *found.also)
            ]
        if found.suggestions:
            return [replies.suggestions_reply(self.content, found.suggestions, buttons)]
        out_of_scope = self.content.texts.out_of_scope
        return [replies.text_reply(out_of_scope, self.content, buttons, ReplyKind.DECLINE)]

    def _small_talk(self, talk: SmallTalk, buttons: Buttons) -> Reply:
        texts = self.content.texts
        line = {
            SmallTalk.GREETING: texts.greeting_reply,
            SmallTalk.THANKS: texts.thanks_reply,
            SmallTalk.ACKNOWLEDGEMENT: texts.acknowledgement_reply,
            SmallTalk.GOODBYE: texts.goodbye_reply,
            SmallTalk.HELP: texts.help,
        }[talk]
        return replies.text_reply(line, self.content, buttons)

    def _text_mid_quiz(self, session: Session, buttons: Buttons, text: str) -> Result:
        """Typed answers count as a press; a real question is answered; else re-ask kindly."""
        state = session.quiz
        assert state is not None
        question = quiz.question(self.content, state.step)
        assert question is not None
        typed = self._typed_choice(text, question, state.answers)
        if typed == DONE_TYPED:
            state.answers.setdefault(question.id, [])
            return self._advance(session, buttons.owner, Delivery.SEND)
        if typed == NONE_TYPED:
            state.answers[question.id] = []
            return self._advance(session, buttons.owner, Delivery.SEND)
        if typed is not None:
            return self._answer(session, buttons.owner, question, typed, Delivery.SEND)
        found = self.matcher.match(text)
        reminder = _line(self.content.texts.quiz_free_text)
        if found.topic_id is not None:
            answer = replies.topic_reply(self.content, found.topic_id, buttons)
            reminder = _line(self.content.texts.quiz_answered_mid_quiz)
            return session, [answer, reminder, self._ask(session, buttons.owner, Delivery.SEND)]
        return session, [reminder, self._ask(session, buttons.owner, Delivery.SEND)]

    def _typed_choice(
        self, text: str, question: Question, answers: dict[str, list[str]]
    ) -> str | None:
        """The answer id whose label (or id) was typed, including a multi question's Done/None."""
        plain = self._plain_label
        typed = self.matcher.normalizer.plain(text)
        if not typed:
            return None
        offered = [
            (c.id, c.label) for c in replies.offered_choices(self.content, question, answers)
        ]
        if question.multi:
            offered += [(DONE_TYPED, question.done_label), (NONE_TYPED, question.none_label)]
        hits = {
            answer
            for answer, label in offered
            if label and typed in (plain(label), answer.replace("_", " "))
        }
        return hits.pop() if len(hits) == 1 else None

    def _plain_label(self, label: str) -> str:
        """A label's words as typed; labels come from content, so each is worked out once."""
        found = self._plain_labels.get(label)
        if found is None:
            found = self._plain_labels[label] = self.matcher.normalizer.plain(label)
        return found


QUIZ_ACTIONS = {Action.ANSWER, Action.SELECT, Action.DONE, Action.NONE, Action.BACK, Action.CANCEL}
DONE_TYPED, NONE_TYPED = "+", "-"


def _line(text: str) -> Reply:
    return Reply(ReplyKind.MESSAGE, sections=(Section(body=rich(text)),))
