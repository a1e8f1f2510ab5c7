"""The conversation engine: (session, event) -> (new session, replies); pure, no I/O."""

from __future__ import annotations

import logging

from bot import quiz, replies
from bot.content import Content, Question
from bot.faq import FaqMatcher
from bot.messages import Command, Event, EventKind, Reply, ReplyKind
from bot.option_data import BadOptionData, OptionData
from bot.replies import ANSWER, GO, NAVIGATE, PAGE, TOPIC, notice
from bot.session import QuizState, Session
from bot.smalltalk import SmallTalk, SmallTalkIndex

logger = logging.getLogger(__name__)

Result = tuple[Session, list[Reply]]
MAX_TOPIC_SEARCH = 25


class Engine:
    """Holds validated content and the FAQ index; every call is a pure function of its input."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.matcher = FaqMatcher(content.faq.topics, content.lexicon)
        self.small_talk = SmallTalkIndex(content.lexicon)
        self._topic_ids = {t.id for t in content.faq.topics}

    # -- entry point -------------------------------------------------------------------------
    def handle(self, session: Session, event: Event) -> Result:
        """Apply one event; the input session is never modified."""
        session = session.model_copy(deep=True)
        self._drop_unknown_quiz(session)
        if event.kind is EventKind.COMMAND:
            return self._command(session, event.value, event.argument)
        if event.kind is EventKind.CHOICE:
            return self._choice(session, event.value)
        return self._text(session, event.value)

    def _drop_unknown_quiz(self, session: Session) -> None:
        """A quiz saved before the content changed (its question is gone) ends quietly."""
        state = session.quiz
        known = {q.id for q in self.content.quiz.questions}
        if session.flow == "quiz" and (state is None or state.step not in known):
            self._end_quiz(session)

    def not_yours_reply(self) -> Reply:
        return notice(self.content.texts.not_yours)

    def store_unavailable_reply(self) -> Reply:
        return Reply(self.content.texts.store_unavailable, kind=ReplyKind.ERROR)

    def search_topics(
        self, text: str, limit: int = MAX_TOPIC_SEARCH
    ) -> list[tuple[str, str, float]]:
        """FAQ topics for autocomplete: best matches first, or the menu order for empty text."""
        topics = self.content.faq.topics
        if not text.strip():
            return [(t.id, t.question, 0.0) for t in topics[:limit]]
        ranked = [(tid, s) for tid, s in self.matcher.rank(text) if s > 0][:limit]
        return [(tid, self.content.topic(tid).question, s) for tid, s in ranked]

    # -- commands ----------------------------------------------------------------------------
    def _command(self, session: Session, name: str, argument: str) -> Result:
        texts = self.content.texts
        match name:
            case Command.START:
                return self._start(session, argument.strip())
            case Command.QUIZ:
                return self._start_quiz(session, edit=False)
            case Command.FAQ:
                topic = argument.strip()
                if topic in self._topic_ids:
                    return session, [replies.topic_reply(self.content, topic, session.nonce)]
                if topic:
                    return self._text(session, topic, force_faq=True)
                return session, [replies.menu_reply(self.content, 0, session.nonce, edit=False)]
            case Command.ASK:
                return self._text(session, argument, force_faq=True)
            case Command.COMPARE:
                return session, [replies.comparison_reply(self.content, session.nonce)]
            case Command.HELP:
                return session, [replies.text_reply(texts.help, self.content, session.nonce)]
            case Command.CANCEL:
                return self._cancel(session)
            case Command.BACK:
                return self._back(session, edit=False)
            case Command.FORGET:
                return session, [
                    replies.text_reply(
                        texts.forgotten, self.content, session.nonce, with_start=False
                    )
                ]
        return session, [replies.text_reply(texts.help, self.content, session.nonce)]

    def _start(self, session: Session, payload: str) -> Result:
        if payload == "quiz":
            return self._start_quiz(session, edit=False)
        if payload == "faq":
            return session, [replies.menu_reply(self.content, 0, session.nonce, edit=False)]
        if payload in self._topic_ids:
            return session, [replies.topic_reply(self.content, payload, session.nonce)]
        welcome = self.content.texts.welcome
        return session, [replies.text_reply(welcome, self.content, session.nonce)]

    def _cancel(self, session: Session) -> Result:
        if session.flow != "quiz":
            nothing = self.content.texts.nothing_to_cancel
            return session, [replies.text_reply(nothing, self.content, session.nonce)]
        self._end_quiz(session)
        return session, [
            replies.text_reply(self.content.texts.cancelled, self.content, session.nonce)
        ]

    # -- the questionnaire -------------------------------------------------------------------
    def _start_quiz(self, session: Session, edit: bool) -> Result:
        session.round += 1
        session.flow = "quiz"
        session.quiz = QuizState(step=self.content.quiz.questions[0].id)
        return session, [self._ask(session, edit=edit)]

    def _ask(self, session: Session, edit: bool) -> Reply:
        assert session.quiz is not None
        ids = [q.id for q in self.content.quiz.questions]
        index = ids.index(session.quiz.step)
        return replies.question_reply(
            self.content,
            self.content.quiz.questions[index],
            session.nonce,
            session.quiz.answers,
            number=index + 1,
            first=index == 0,
            edit=edit,
        )

    def _end_quiz(self, session: Session) -> None:
        session.flow = "idle"
        session.quiz = None
        session.round += 1

    def _back(self, session: Session, edit: bool) -> Result:
        state = session.quiz
        if session.flow != "quiz" or state is None or not state.history:
            nothing = self.content.texts.nothing_to_go_back_to
            return session, [
                notice(nothing)
                if edit
                else replies.text_reply(nothing, self.content, session.nonce)
            ]
        state.answers.pop(state.step, None)
        state.step = state.history.pop()
        return session, [self._ask(session, edit=edit)]

    def _answer(self, session: Session, value: str, edit: bool) -> Result:
        state = session.quiz
        question_id, _, answer = value.partition(":")
        question = quiz.question(self.content, question_id)
        if session.flow != "quiz" or state is None or question is None or state.step != question_id:
            return session, [notice(self.content.texts.stale_option)]
        offered = {c.id for c in replies.offered_choices(self.content, question, state.answers)}
        if question.multi and answer in offered:
            picked = state.answers.setdefault(question_id, [])
            picked.remove(answer) if answer in picked else picked.append(answer)
            return session, [self._ask(session, edit=edit)]
        if question.multi and answer == "-":
            state.answers[question_id] = []
        elif question.multi and answer == "+":
            state.answers.setdefault(question_id, [])
        elif answer in offered:
            state.answers[question_id] = [answer]
        else:
            return session, [notice(self.content.texts.bad_option)]
        return self._advance(session, edit)

    def _advance(self, session: Session, edit: bool) -> Result:
        state = session.quiz
        assert state is not None
        following = quiz.next_question(self.content, state.step)
        if following is not None:
            state.history.append(state.step)
            state.step = following.id
            return session, [self._ask(session, edit=edit)]
        try:
            rec = quiz.recommendation_from_answers(self.content, state.answers)
        except quiz.UnknownAnswer:  # the goals answered were removed from content meanwhile
            return self._start_quiz(session, edit=edit)
        session.last_goals = list(rec.goals)
        self._end_quiz(session)
        return session, [replies.recommendation_reply(self.content, rec, session.nonce, edit)]

    # -- option presses ----------------------------------------------------------------------
    def _choice(self, session: Session, raw: str) -> Result:
        try:
            data = OptionData.decode(raw)
        except BadOptionData:
            return session, [notice(self.content.texts.bad_option)]
        if data.action == TOPIC and data.value in self._topic_ids:
            return session, [replies.topic_reply(self.content, data.value, session.nonce)]
        if data.action == PAGE and data.value.isdigit():
            return session, [
                replies.menu_reply(self.content, int(data.value), session.nonce, edit=True)
            ]
        if data.action == GO and data.value in ("quiz", "faq"):
            return self._command(session, data.value, "")
        if data.action in (ANSWER, NAVIGATE) and data.nonce != session.nonce:
            return session, [notice(self.content.texts.stale_option)]
        if data.action == ANSWER:
            return self._answer(session, data.value, edit=True)
        if data.action == NAVIGATE and data.value == "back":
            return self._back(session, edit=True)
        if data.action == NAVIGATE and data.value == "cancel":
            return self._cancel(session)
        return session, [notice(self.content.texts.bad_option)]

    # -- free text ---------------------------------------------------------------------------
    def _text(self, session: Session, text: str, force_faq: bool = False) -> Result:
        texts = self.content.texts
        if not text.strip():
            return session, [replies.text_reply(texts.empty_text, self.content, session.nonce)]
        if session.flow == "quiz" and not force_faq:
            return self._text_mid_quiz(session, text)
        talk = self.small_talk.classify(text)
        if talk is SmallTalk.QUIZ and not force_faq:
            return self._start_quiz(session, edit=False)
        if talk is not None and not force_faq:
            return session, [self._small_talk(talk, session)]
        return session, self._faq_reply(text, session)

    def _faq_reply(self, text: str, session: Session) -> list[Reply]:
        """One reply per topic asked about, the main one first; or suggestions; or a decline."""
        found = self.matcher.match(text)
        if found.topic_id is not None:
            return [
                replies.topic_reply(self.content, topic_id, session.nonce, also=found.suggestions)
                for topic_id in (found.topic_id, *found.also)
            ]
        if found.suggestions:
            return [replies.suggestions_reply(self.content, found.suggestions, session.nonce)]
        return [replies.text_reply(self.content.texts.out_of_scope, self.content, session.nonce)]

    def _small_talk(self, talk: SmallTalk, session: Session) -> Reply:
        texts = self.content.texts
        line = {
            SmallTalk.GREETING: texts.greeting_reply,
            SmallTalk.THANKS: texts.thanks_reply,
            SmallTalk.ACKNOWLEDGEMENT: texts.acknowledgement_reply,
            SmallTalk.GOODBYE: texts.goodbye_reply,
            SmallTalk.HELP: texts.help,
        }[talk]
        return replies.text_reply(line, self.content, session.nonce)

    def _text_mid_quiz(self, session: Session, text: str) -> Result:
        """Typed answers count as a press; a real question is answered; else re-ask kindly."""
        state = session.quiz
        assert state is not None
        question = quiz.question(self.content, state.step)
        assert question is not None
        typed = self._typed_choice(text, question, state.answers)
        if typed is not None:
            return self._answer(session, f"{state.step}:{typed}", edit=False)
        found = self.matcher.match(text)
        if found.topic_id is not None:
            answer = replies.topic_reply(self.content, found.topic_id, session.nonce)
            reminder = Reply(self.content.texts.quiz_answered_mid_quiz, kind=ReplyKind.MESSAGE)
            return session, [answer, reminder, self._ask(session, edit=False)]
        nudge = Reply(self.content.texts.quiz_free_text, kind=ReplyKind.MESSAGE)
        return session, [nudge, self._ask(session, edit=False)]

    def _typed_choice(
        self, text: str, question: Question, answers: dict[str, list[str]]
    ) -> str | None:
        """The answer id whose label (or id) was typed, including a multi question's Done/None."""
        plain = self.matcher.normalizer.plain
        typed = plain(text)
        if not typed:
            return None
        offered = [
            (c.id, c.label) for c in replies.offered_choices(self.content, question, answers)
        ]
        if question.multi:
            offered += [("+", question.done_label), ("-", question.none_label)]
        hits = {
            answer
            for answer, label in offered
            if label and typed in (plain(label), answer.replace("_", " "))
        }
        return hits.pop() if len(hits) == 1 else None
