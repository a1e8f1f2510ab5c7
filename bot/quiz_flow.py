"""The questionnaire as a conversation: start, ask, answer (pressed or typed), back, cancel, and
the recommendation at the end. Part of the engine: pure, no I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from bot import quiz, replies
from bot.buttons import Action, ButtonData
from bot.content import Content, Question
from bot.faq import FaqMatcher
from bot.followup import profile_of
from bot.messages import Delivery, Reply, ReplyKind, Section, rich
from bot.replies import Buttons, notice
from bot.session import QuizState, Session

logger = logging.getLogger(__name__)

Result = tuple[Session, list[Reply]]
QUIZ_ACTIONS = {Action.ANSWER, Action.SELECT, Action.DONE, Action.NONE, Action.BACK, Action.CANCEL}
DONE_TYPED, NONE_TYPED = "+", "-"


class QuizFlow:
    """The questionnaire's steps on a session (which the engine has already copied)."""

    def __init__(self, content: Content, matcher: FaqMatcher) -> None:
        self.content = content
        self.matcher = matcher
        self._plain_labels: dict[str, str] = {}
        self._forms: dict[str, frozenset[str]] = {}
        # Each question by id, with its place in the quiz: every turn mid-quiz looks one up.
        self._steps = {q.id: (index, q) for index, q in enumerate(content.quiz.questions)}

    def cancel(self, session: Session, buttons: Buttons) -> Result:
        if session.flow != "quiz":
            nothing = self.content.texts.nothing_to_cancel
            return session, [replies.text_reply(nothing, self.content, buttons)]
        self.end(session)
        buttons = Buttons(buttons.owner, session.nonce)
        return session, [replies.text_reply(self.content.texts.cancelled, self.content, buttons)]

    def start(self, session: Session, owner: str, delivery: Delivery) -> Result:
        session.round += 1
        session.flow = "quiz"
        session.quiz = QuizState(step=self.content.quiz.questions[0].id)
        return session, [self.ask(session, owner, delivery)]

    def ask(self, session: Session, owner: str, delivery: Delivery) -> Reply:
        assert session.quiz is not None
        index, question = self._steps[session.quiz.step]
        return replies.question_reply(
            self.content,
            question,
            Buttons(owner, session.nonce),
            session.quiz.answers,
            number=index + 1,
            first=index == 0,
            delivery=delivery,
        )

    def end(self, session: Session) -> None:
        session.flow = "idle"
        session.quiz = None
        session.round += 1

    def back(self, session: Session, owner: str, delivery: Delivery) -> Result:
        state = session.quiz
        if session.flow != "quiz" or state is None or not state.history:
            nothing = self.content.texts.nothing_to_go_back_to
            if delivery is Delivery.EDIT:
                return session, [notice(nothing)]
            return session, [replies.text_reply(nothing, self.content, None)]
        state.answers.pop(state.step, None)
        state.step = state.history.pop()
        return session, [self.ask(session, owner, delivery)]

    def answer(
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
            return session, [self.ask(session, owner, delivery)]
        state.answers[question.id] = [answer]
        return self.advance(session, owner, delivery)

    def select(
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
            return self.answer(session, owner, question, chosen[0], delivery)
        state.answers[question.id] = [a for a in offered if a in chosen]
        return session, [self.ask(session, owner, delivery)]

    def advance(self, session: Session, owner: str, delivery: Delivery) -> Result:
        state = session.quiz
        assert state is not None
        following = quiz.next_question(self.content, state.step)
        if following is not None:
            state.history.append(state.step)
            state.step = following.id
            return session, [self.ask(session, owner, delivery)]
        try:
            rec = quiz.recommendation_from_answers(self.content, state.answers)
        except quiz.UnknownAnswer:  # the goals answered were removed from content meanwhile
            return self.start(session, owner, delivery)
        self.end(session)
        session.profile = profile_of(rec)  # for follow-ups such as "and for beginners?"
        buttons = Buttons(owner, session.nonce)
        return session, [replies.recommendation_reply(self.content, rec, buttons, delivery)]

    def press(
        self, session: Session, buttons: Buttons, data: ButtonData, selected: tuple[str, ...]
    ) -> Result:
        """A quiz button counts only on the question it was shown with, in the current quiz."""
        state = session.quiz
        question = self._question(data.question)
        if question is None or data.action not in QUIZ_ACTIONS:
            return session, [notice(self.content.texts.bad_option)]
        if data.nonce != session.nonce or state is None or state.step != question.id:
            return session, [notice(self.content.texts.stale_option)]
        match data.action:
            case Action.ANSWER:
                return self.answer(session, buttons.owner, question, data.value, Delivery.EDIT)
            case Action.SELECT:
                return self.select(session, buttons.owner, question, selected, Delivery.EDIT)
            case Action.DONE if question.multi:
                state.answers.setdefault(question.id, [])
                return self.advance(session, buttons.owner, Delivery.EDIT)
            case Action.NONE if question.multi:
                state.answers[question.id] = []
                return self.advance(session, buttons.owner, Delivery.EDIT)
            case Action.BACK:
                return self.back(session, buttons.owner, Delivery.EDIT)
            case Action.CANCEL:
                return self.cancel(session, buttons)
        return session, [notice(self.content.texts.bad_option)]

    def typed(
        self,
        session: Session,
        buttons: Buttons,
        text: str,
        friendly: Callable[[str], str | None],
    ) -> Result:
        """Typed answers count as a press; a real question is answered; small talk gets the
        line `friendly` finds for it (asked last: most text is an answer or a question); else
        re-ask kindly."""
        state = session.quiz
        assert state is not None
        question = self._question(state.step)
        assert question is not None
        typed = self._typed_choice(text, question, state.answers)
        if typed == DONE_TYPED:
            state.answers.setdefault(question.id, [])
            return self.advance(session, buttons.owner, Delivery.SEND)
        if typed == NONE_TYPED:
            state.answers[question.id] = []
            return self.advance(session, buttons.owner, Delivery.SEND)
        if typed is not None:
            return self.answer(session, buttons.owner, question, typed, Delivery.SEND)
        found = self.matcher.match(text)
        if found.topic_id is not None:
            answers = [
                replies.topic_reply(self.content, topic_id, buttons)
                for topic_id in (found.topic_id, *found.also)
            ]
            reminder = _line(self.content.texts.quiz_answered_mid_quiz)
            return session, [*answers, reminder, self.ask(session, buttons.owner, Delivery.SEND)]
        line = friendly(text)
        if line is not None:
            return session, [_line(line), self.ask(session, buttons.owner, Delivery.SEND)]
        reminder = _line(self.content.texts.quiz_free_text)
        return session, [reminder, self.ask(session, buttons.owner, Delivery.SEND)]

    def _question(self, question_id: str) -> Question | None:
        step = self._steps.get(question_id)
        return None if step is None else step[1]

    def _typed_choice(
        self, text: str, question: Question, answers: dict[str, list[str]]
    ) -> str | None:
        """The answer id whose label (or id) was typed, including a multi question's Done/None."""
        plain = self._plain_label
        typed = self.matcher.normalizer.plain(text)
        if not typed or typed not in self._answer_forms(question):
            return None  # most typed text is a question, not an answer: no need to look closer
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

    def _answer_forms(self, question: Question) -> frozenset[str]:
        """Everything typed that could answer `question`, whichever of its choices are offered."""
        found = self._forms.get(question.id)
        if found is None:
            pairs = [(c.id, c.label) for c in quiz.choices(self.content, question)]
            if question.multi:
                pairs += [(DONE_TYPED, question.done_label), (NONE_TYPED, question.none_label)]
            found = self._forms[question.id] = frozenset(
                form
                for answer, label in pairs
                if label
                for form in (self._plain_label(label), answer.replace("_", " "))
            )
        return found

    def _plain_label(self, label: str) -> str:
        """A label's words as typed; labels come from content, so each is worked out once."""
        found = self._plain_labels.get(label)
        if found is None:
            found = self._plain_labels[label] = self.matcher.normalizer.plain(label)
        return found


@lru_cache(maxsize=64)  # the bot's own few lines, the same (immutable) reply for everyone
def _line(text: str) -> Reply:
    return Reply(ReplyKind.MESSAGE, sections=(Section(body=rich(text)),))
