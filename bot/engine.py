"""The conversation engine: (session, event) -> (new session, replies); pure, no I/O."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot import replies
from bot.buttons import Action
from bot.content import Content
from bot.faq import FaqMatcher
from bot.followup import FollowUps
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
)
from bot.quiz_flow import QuizFlow
from bot.replies import Buttons, notice
from bot.session import Session, forked
from bot.smalltalk import SmallTalk, SmallTalkIndex

logger = logging.getLogger(__name__)

Result = tuple[Session, list[Reply]]
MAX_TOPIC_SEARCH = 25
DEEP_LINKED = {Command.START: "start", Command.QUIZ: "quiz"}  # moved to a private chat in groups
HIDDEN_IN_GROUPS = {Command.BACK}  # the quiz goes on in a private chat there
# Small talk that mid-quiz gets its friendly line before the question is asked again.
CHATTER = {SmallTalk.GREETING, SmallTalk.THANKS, SmallTalk.ACKNOWLEDGEMENT, SmallTalk.GOODBYE}


class Engine:
    """Holds validated content and the FAQ index; every call is a pure function of its input."""

    def __init__(self, content: Content, matcher: FaqMatcher | None = None) -> None:
        """`matcher`: the FAQ index of `content` if already built (bot/prepared.py)."""
        self.content = content
        self.matcher = matcher or FaqMatcher(content.faq.topics, content.lexicon)
        self.small_talk = SmallTalkIndex(content.lexicon)
        self.followups = FollowUps(content, self.matcher.normalizer)
        self._topic_ids = {t.id for t in content.faq.topics}
        self._question_ids = {q.id for q in content.quiz.questions}
        self.questionnaire = QuizFlow(content, self.matcher)

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
            self.questionnaire.end(session)  # the health question goes on in a private chat
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
            self.questionnaire.end(session)

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
                return self.questionnaire.start(session, buttons.owner, Delivery.SEND)
            case Command.FAQ:
                return self._faq(session, buttons, argument.strip())
            case Command.ASK:
                return self._text(session, buttons, argument, force_faq=True)
            case Command.COMPARE:
                return session, [replies.comparison_reply(content, buttons)]
            case Command.CANCEL:
                return self.questionnaire.cancel(session, buttons)
            case Command.BACK:
                return self.questionnaire.back(session, buttons.owner, Delivery.SEND)
            case Command.FORGET:
                return session, [self.forgotten_reply()]
        return session, [replies.text_reply(texts.help, content, buttons)]

    def _start(self, session: Session, buttons: Buttons, payload: str) -> Result:
        if payload == "quiz":
            return self.questionnaire.start(session, buttons.owner, Delivery.SEND)
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

    # -- the questionnaire -------------------------------------------------------------------
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
                return self.questionnaire.start(session, buttons.owner, Delivery.SEND)
            case Action.GO if data.value == "faq":
                return self._faq(session, buttons, "")
            case Action.GO if data.value == "compare":
                return session, [replies.comparison_reply(self.content, buttons)]
        return self.questionnaire.press(session, buttons, data, event.selected)

    # -- free text ---------------------------------------------------------------------------
    def _text(
        self, session: Session, buttons: Buttons, text: str, force_faq: bool = False
    ) -> Result:
        texts = self.content.texts
        if not text.strip():
            return session, [replies.text_reply(texts.empty_text, self.content, buttons)]
        if session.flow == "quiz" and not force_faq:
            return self.questionnaire.typed(session, buttons, text, self._chatter_line)
        talk = self.small_talk.classify(text)
        if talk is SmallTalk.QUIZ and not force_faq:
            return self.questionnaire.start(session, buttons.owner, Delivery.SEND)
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

    def _chatter_line(self, text: str) -> str | None:
        """Mid-quiz, small talk ("thanks!") gets its friendly line before the question again."""
        talk = self.small_talk.classify(text)
        return self._small_talk_line(talk) if talk in CHATTER else None

    def _small_talk(self, talk: SmallTalk, buttons: Buttons) -> Reply:
        return replies.text_reply(self._small_talk_line(talk), self.content, buttons)

    def _small_talk_line(self, talk: SmallTalk) -> str:
        texts = self.content.texts
        return {
            SmallTalk.GREETING: texts.greeting_reply,
            SmallTalk.THANKS: texts.thanks_reply,
            SmallTalk.ACKNOWLEDGEMENT: texts.acknowledgement_reply,
            SmallTalk.GOODBYE: texts.goodbye_reply,
            SmallTalk.HELP: texts.help,
        }[talk]
