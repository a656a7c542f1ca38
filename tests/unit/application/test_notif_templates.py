"""Notification templates: an Admin's edited text before the code's, the default when an
edit cannot render, English when a language has no text."""

from application.notif.templates import TEMPLATES, default_texts, render

VALUES = {"name": "Lan", "token": "t0k", "hours": 24}


class Edited:
    def __init__(self, texts: dict[tuple[str, str], str]) -> None:
        self.texts = texts

    def text(self, name: str, culture: str) -> str | None:
        return self.texts.get((name, culture))


class TestRender:
    def test_uses_an_edited_subject_and_the_default_body(self) -> None:
        edited = Edited({("notification.confirm_email.subject", "vi"): "Xác nhận, {name}"})
        subject, body = render("confirm_email", "vi", VALUES, edited)
        assert subject == "Xác nhận, Lan"
        assert body == TEMPLATES["confirm_email"]["vi"][1].format(**VALUES).strip()

    def test_falls_back_to_the_default_when_an_edit_cannot_render(self) -> None:
        edited = Edited({("notification.confirm_email.subject", "en"): "Hi {missing}"})
        subject, _ = render("confirm_email", "en", VALUES, edited)
        assert subject == "[Testament] Confirm your e-mail address"

    def test_speaks_english_for_a_language_it_has_no_text_in(self) -> None:
        assert render("confirm_email", "fr", VALUES)[0] == render("confirm_email", "en", VALUES)[0]


def test_every_template_is_two_texts_per_language() -> None:
    texts = default_texts()
    assert len(texts) == 2 * sum(len(languages) for languages in TEMPLATES.values())
    assert texts[("notification.run_finished.subject", "en")].startswith("[Testament] Run #")
