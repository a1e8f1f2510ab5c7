"""Replies sent raw (adapters/telegram/bot_api.py) reach Telegram exactly as PTB's own methods
would send them: same method, same parameters, the same bytes on the wire."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode

from adapters.telegram.handlers import edit_in_place, send
from adapters.telegram.render import render
from adapters.telegram.request import AiohttpRequest
from bot.engine import Engine
from bot.messages import Command, CommandEvent
from bot.session import Session
from tests.telegram.fake_telegram import FakeTelegram

CHAT = 4242


async def test_a_raw_reply_is_byte_for_byte_what_ptb_would_send(
    fake: FakeTelegram, engine: Engine
) -> None:
    _, [menu] = engine.handle(Session(salt="ab"), CommandEvent(Command.FAQ), "7")
    rendered = render(menu, "HipStepBot")
    [part] = rendered.parts
    markup = InlineKeyboardMarkup.de_json(rendered.markup, None)
    async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
        await bot.send_message(
            CHAT,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=ReplyParameters(9, allow_sending_without_reply=True),
        )
        assert await send(bot, CHAT, rendered, reply_to=9)
        sent = await bot.send_message(CHAT, "placeholder")
        await bot.edit_message_text(
            part,
            chat_id=CHAT,
            message_id=sent.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        await bot.edit_message_text("placeholder", chat_id=CHAT, message_id=sent.message_id)
        assert await edit_in_place(bot, sent, rendered)

    ptb_send, raw_send, _, ptb_edit, _, raw_edit = fake.calls[-6:]
    assert (ptb_send.method, raw_send.method) == ("sendMessage", "sendMessage")
    assert (ptb_edit.method, raw_edit.method) == ("editMessageText", "editMessageText")
    assert raw_send.params == ptb_send.params and raw_edit.params == ptb_edit.params
    assert raw_send.body == ptb_send.body
    assert raw_edit.body == ptb_edit.body
