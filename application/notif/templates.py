"""Notification texts in English and Vietnamese: (subject, body) per kind and language for
e-mails, one short text per kind and language for SMS."""

from typing import Any, Protocol

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "run_finished": {
        "en": (
            "[Testament] Run #{run_number} {status}: {failed} failed, {passed} passed",
            "Run #{run_number} of suite {suite_id} finished: {status}.\n"
            "Passed {passed}, failed {failed}, skipped {skipped}, in {duration_ms} ms.\n"
            "{reason}",
        ),
        "vi": (
            "[Testament] Lần chạy #{run_number} {status}: {failed} lỗi, {passed} đạt",
            "Lần chạy #{run_number} của bộ kiểm thử {suite_id} đã kết thúc: {status}.\n"
            "Đạt {passed}, lỗi {failed}, bỏ qua {skipped}, trong {duration_ms} ms.\n"
            "{reason}",
        ),
    },
    "suite_waiting": {
        "en": (
            "[Testament] Suite {suite_name} waits for your approval",
            "Proposal #{proposal_number} of the execution order of suite {suite_name} "
            "({cases} cases) waits for review.",
        ),
        "vi": (
            "[Testament] Bộ kiểm thử {suite_name} đang chờ bạn phê duyệt",
            "Đề xuất #{proposal_number} về thứ tự thực thi của bộ kiểm thử {suite_name} "
            "({cases} ca kiểm thử) đang chờ xem xét.",
        ),
    },
    "webhook_disabled": {
        "en": (
            "[Testament] Webhook to {url} disabled",
            "Testament stopped sending events to {url}: {reason}.\n"
            "Look at its delivery log (GET /webhooks/{webhook_id}/deliveries), fix the "
            "receiver, then enable it again (POST /webhooks/{webhook_id}/enable).",
        ),
        "vi": (
            "[Testament] Đã tắt webhook tới {url}",
            "Testament đã ngừng gửi sự kiện tới {url}: {reason}.\n"
            "Hãy xem nhật ký gửi (GET /webhooks/{webhook_id}/deliveries), sửa bên nhận, "
            "rồi bật lại (POST /webhooks/{webhook_id}/enable).",
        ),
    },
    "confirm_email": {
        "en": (
            "[Testament] Confirm your e-mail address",
            "Hello {name},\n\nconfirm this address with the token below (valid {hours} hours, "
            'once):\n\n{token}\n\nPOST it to /auth/confirm-email as {{"token": "..."}}.',
        ),
        "vi": (
            "[Testament] Xác nhận địa chỉ e-mail của bạn",
            "Xin chào {name},\n\nhãy xác nhận địa chỉ này bằng mã dưới đây (dùng được một lần, "
            "trong {hours} giờ):\n\n{token}\n\nGửi mã tới /auth/confirm-email dạng "
            '{{"token": "..."}}.',
        ),
    },
    "reset_password": {
        "en": (
            "[Testament] Reset your password",
            "Hello {name},\n\nsomeone asked to reset the password of this account. The token "
            "below sets a new one (valid {hours} hour(s), once):\n\n{token}\n\nPOST it to "
            "/auth/reset-password with the new password. If you did not ask, ignore this "
            "e-mail: your password stays as it is.",
        ),
        "vi": (
            "[Testament] Đặt lại mật khẩu",
            "Xin chào {name},\n\ncó người đã yêu cầu đặt lại mật khẩu của tài khoản này. Mã "
            "dưới đây dùng để đặt mật khẩu mới (dùng được một lần, trong {hours} giờ):\n\n"
            "{token}\n\nGửi mã tới /auth/reset-password cùng mật khẩu mới. Nếu bạn không "
            "yêu cầu, hãy bỏ qua e-mail này: mật khẩu của bạn giữ nguyên.",
        ),
    },
    "limit_reached": {
        "en": (
            "[Testament] You reached a limit of your plan",
            "Your plan allows {maximum} {limit}; you have used {used}. Upgrade the plan, or "
            "wait for the next period.",
        ),
        "vi": (
            "[Testament] Bạn đã chạm giới hạn của gói dịch vụ",
            "Gói của bạn cho phép {maximum} {limit}; bạn đã dùng {used}. Hãy nâng cấp gói, "
            "hoặc chờ kỳ tiếp theo.",
        ),
    },
    "payment_failed": {
        "en": (
            "[Testament] A payment of your subscription failed",
            "The payment of {amount} {currency} failed: {reason}. Update your payment method "
            "to keep your plan.",
        ),
        "vi": (
            "[Testament] Thanh toán gói dịch vụ không thành công",
            "Khoản thanh toán {amount} {currency} không thành công: {reason}. Hãy cập nhật "
            "phương thức thanh toán để giữ gói của bạn.",
        ),
    },
    "parse_failed": {
        "en": (
            "[Testament] Specification {name} could not be read",
            "The specification {name} could not be parsed:\n{issues}",
        ),
        "vi": (
            "[Testament] Không đọc được đặc tả {name}",
            "Không thể phân tích đặc tả {name}:\n{issues}",
        ),
    },
}


class EditedTexts(Protocol):
    """The texts an Admin edited (the config context's cached port); None: the default."""

    def text(self, name: str, culture: str) -> str | None: ...


def default_texts() -> dict[tuple[str, str], str]:
    """This function will give every template's subject and body by (name, language), the
    names an Admin edits them under (`notification.<kind>.subject` and `.body`)."""
    texts = {}
    for kind, languages in TEMPLATES.items():
        for language, (subject, body) in languages.items():
            texts[(f"notification.{kind}.subject", language)] = subject
            texts[(f"notification.{kind}.body", language)] = body
    return texts


def render(
    kind: str, language: str, values: dict[str, Any], texts: EditedTexts | None = None
) -> tuple[str, str]:
    """This function will give a notification's subject and body in a language (English
    when the language has no text for it), an Admin's edited text before the default."""
    language = language if language in TEMPLATES[kind] else "en"
    subject, body = TEMPLATES[kind][language]
    if texts is not None:
        edited = (
            texts.text(f"notification.{kind}.subject", language) or subject,
            texts.text(f"notification.{kind}.body", language) or body,
        )
        try:
            return edited[0].format(**values), edited[1].format(**values).strip()
        except (KeyError, IndexError, ValueError, AttributeError):
            pass  # an edit that no longer fits the values: the default, never nothing
    return subject.format(**values), body.format(**values).strip()


# SMS: one short text each (a single GSM segment in English where the values allow).
SMS_TEMPLATES: dict[str, dict[str, str]] = {
    "phone_code": {
        "en": "Testament: your code is {code}. It confirms this number, once, for {minutes} min.",
        "vi": "Testament: mã của bạn là {code}. Mã xác nhận số này, dùng một lần, "
        "trong {minutes} phút.",
    },
    "run_failed": {
        "en": "Testament: run #{run_number} {status}: {failed} failed, {passed} passed "
        "(suite {suite_id}).",
        "vi": "Testament: lần chạy #{run_number} {status}: {failed} lỗi, {passed} đạt "
        "(bộ kiểm thử {suite_id}).",
    },
}


def render_sms(kind: str, language: str, values: dict[str, Any]) -> str:
    """This function will give an SMS text in a language (English when it has none)."""
    text = SMS_TEMPLATES[kind].get(language) or SMS_TEMPLATES[kind]["en"]
    return text.format(**values)
