"""Notification texts in English and Vietnamese: (subject, body) per kind and language."""

from typing import Any

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


def render(kind: str, language: str, values: dict[str, Any]) -> tuple[str, str]:
    """This function will give a notification's subject and body in a language (English
    when the language has no text for it)."""
    subject, body = TEMPLATES[kind].get(language) or TEMPLATES[kind]["en"]
    return subject.format(**values), body.format(**values).strip()
