"""FAQ content rules: every answer names its source and fits in one chat message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError, load_content
from bot.engine import Engine
from bot.settings import default_content_dir


def test_an_faq_entry_without_a_source_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    faq = yaml.safe_load((target / "faq.yaml").read_text())
    faq["topics"][0].pop("source")
    (target / "faq.yaml").write_text(yaml.safe_dump(faq))
    with pytest.raises(ContentError, match="source"):
        load_content(target)


def test_new_topics_come_from_practice_and_article_topics_from_the_seed(engine: Engine) -> None:
    sources = [t.source for t in engine.content.faq.topics]
    assert sources == ["seed"] * 28 + ["practice"] * 10


def test_every_answer_fits_in_one_message(engine: Engine) -> None:
    assert all(len(t.answer) < 1500 for t in engine.content.faq.topics)


@pytest.mark.parametrize(
    "claim",
    ["strongest stimulus", "harder than almost anything", "very likely", "heavily and safely"],
)
def test_disputed_claims_are_gone_from_the_faq(engine: Engine, claim: str) -> None:
    assert not [t.id for t in engine.content.faq.topics if claim in t.answer.lower()]
