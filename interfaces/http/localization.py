"""Problem titles in the caller's language: English, or Vietnamese (the seed's languages).

The language is the first of the request's `Accept-Language` ranges (by q-value) that
Testament speaks, English when none is. Every problem+json answer is written in English
by the code that refuses (errors.py and the guards); this middleware, outside them all,
puts the title of the chosen language in its place, by the problem's type, and says which
language it answered in (`Content-Language`) and that the answer depends on the header
(`Vary: Accept-Language`). A `detail` stays as written: it quotes the request (field
names, values) and is for people reading logs as much as for end users.
"""

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.http.errors import PROBLEM_JSON

ENGLISH = "en"
SUPPORTED = (ENGLISH, "vi")
_PROBLEM = PROBLEM_JSON.encode()

# Titles by problem type (`/problems/<slug>`), for every type of docs/problems.md.
TITLES: dict[str, dict[str, str]] = {
    "vi": {
        "validation": "Dữ liệu không hợp lệ",
        "account-exists": "Tài khoản đã tồn tại: hãy liên kết",
        "api-key-not-allowed": "Không dùng được khóa API ở đây",
        "api-key-rate-limited": "Khóa API gửi quá nhiều yêu cầu",
        "api-key-revoked": "Khóa API đã bị thu hồi",
        "api-key-scope": "Khóa API không đủ phạm vi",
        "billing-not-configured": "Chưa cấu hình thanh toán",
        "claim-already-held": "Đã có claim này",
        "claim-not-held": "Không có claim này",
        "code-already-used": "Mã đã được dùng",
        "coverage-not-ready": "Chưa tính xong độ bao phủ",
        "export-format-not-allowed": "Gói không cho phép định dạng này",
        "external-sign-in-failed": "Đăng nhập qua nhà cung cấp thất bại",
        "invalid-second-factor": "Mã xác thực sai",
        "invalid-signature": "Chữ ký không hợp lệ",
        "last-sign-in-method": "Cách đăng nhập cuối cùng",
        "limit-exceeded": "Vượt giới hạn của gói",
        "llm-invalid-answer": "Mô hình trả lời không hợp lệ",
        "llm-limit-reached": "Đã hết lượt gọi mô hình",
        "llm-not-configured": "Chưa cấu hình trợ lý LLM",
        "llm-unavailable": "Mô hình không phản hồi",
        "login-not-linked": "Chưa liên kết nhà cung cấp",
        "login-taken": "Tài khoản nhà cung cấp đã được liên kết nơi khác",
        "not-a-failure": "Ca kiểm thử không thất bại",
        "payment-provider-error": "Lỗi nhà cung cấp thanh toán",
        "plan-name-taken": "Tên gói đã được dùng",
        "refund-not-allowed": "Không thể hoàn tiền khoản thanh toán này",
        "report-details-expired": "Chi tiết của lần chạy đã hết hạn",
        "report-expired": "Báo cáo đã hết hạn",
        "report-not-ready": "Báo cáo chưa được tạo",
        "run-not-finished": "Lần chạy chưa kết thúc",
        "sign-up-refused": "Không mở được tài khoản",
        "subscription-state": "Trạng thái gói đăng ký không phù hợp",
        "suggestion-state": "Trạng thái danh sách gợi ý không phù hợp",
        "two-factor-enabled": "Xác thực hai lớp đã bật",
        "two-factor-not-enabled": "Xác thực hai lớp chưa bật",
        "two-factor-not-started": "Chưa bắt đầu đăng ký",
        "two-factor-required": "Cần bước xác thực thứ hai",
        "webhook-deleted": "Webhook đã bị xóa",
        "webhook-state": "Webhook đã ở trạng thái đó",
        "bad-if-match": "If-Match không hợp lệ",
        "bad-idempotency-key": "Idempotency-Key không hợp lệ",
        "idempotency-key-reused": "Idempotency-Key đã được dùng cho yêu cầu khác",
        "bad-position": "Vị trí không hợp lệ",
        "bad-request": "Yêu cầu không hợp lệ",
        "too-large": "Nội dung quá lớn",
        "empty-document": "Tài liệu trống",
        "unresolved-references": "Tham chiếu không giải quyết được",
        "inconsistent-values": "Các giá trị mâu thuẫn nhau",
        "fetch-refused": "Từ chối tải về",
        "method-not-allowed": "Phương thức không được phép",
        "http-error": "Lỗi HTTP",
        "unauthorized": "Chưa xác thực",
        "forbidden": "Không có quyền",
        "account-disabled": "Tài khoản đã bị vô hiệu hóa",
        "registration-closed": "Đã đóng đăng ký",
        "invitation-required": "Cần có lời mời",
        "too-many-attempts": "Quá nhiều lần thử",
        "not-found": "Không tìm thấy",
        "results-expired": "Kết quả đã hết hạn",
        "version-mismatch": "Phiên bản không khớp",
        "concurrent-change": "Xung đột",
        "idempotency-key-in-use": "Idempotency-Key đang được xử lý",
        "conflict": "Xung đột",
        "project-archived": "Dự án đã được lưu trữ",
        "project-not-archived": "Dự án chưa được lưu trữ",
        "specification-state": "Đặc tả ở trạng thái không phù hợp",
        "not-manual-specification": "Không phải đặc tả thủ công",
        "duplicate-endpoint": "Endpoint đã tồn tại",
        "no-active-specification": "Không có đặc tả đang dùng",
        "specification-not-parsed": "Đặc tả chưa được phân tích",
        "order-mismatch": "Không phải các test case của bộ này",
        "suite-archived": "Bộ kiểm thử đã được lưu trữ",
        "duplicate-case": "Test case được thêm hai lần",
        "case-not-in-suite": "Test case không thuộc bộ này",
        "unknown-endpoints": "Không phải endpoint của đặc tả",
        "nothing-to-generate": "Không có test case nào để sinh",
        "case-has-dependants": "Có test case khác phụ thuộc vào test case này",
        "proposal-decided": "Đề xuất đã được quyết định",
        "case-deleted": "Test case đã bị xóa",
        "duplicate-data-set": "Tên bộ dữ liệu đã được dùng",
        "environment-deleted": "Môi trường đã bị xóa",
        "file-deleted": "Tệp đã bị xóa",
        "suite-not-runnable": "Bộ kiểm thử không chạy được",
        "no-environment": "Không có môi trường thực thi",
        "too-many-schedules": "Quá nhiều lịch chạy",
        "schedule-deleted": "Lịch chạy đã bị xóa",
        "run-status": "Lần chạy ở trạng thái không phù hợp",
        "role-already-granted": "Đã có vai trò này",
        "role-not-held": "Không có vai trò này",
        "account-already-disabled": "Tài khoản đã bị vô hiệu hóa trước đó",
        "account-not-disabled": "Tài khoản chưa bị vô hiệu hóa",
        "own-account": "Không áp dụng cho tài khoản của chính bạn",
        "invitation-unusable": "Lời mời không dùng được",
        "email-taken": "Địa chỉ e-mail đã được dùng",
        "position-not-written": "Vị trí chưa từng được ghi",
        "read-model-behind": "Dữ liệu đọc chưa cập nhật kịp",
        "read-wait-busy": "Quá nhiều yêu cầu đọc đang chờ",
        "write-timeout": "Ghi quá thời gian",
        "internal": "Lỗi máy chủ",
    },
}


def chosen_language(accept_language: str) -> str:
    """This function will pick the language of an Accept-Language header (RFC 9110 12.5.4):
    the supported one with the highest q-value, the earliest on a tie, English otherwise."""
    best, best_q = ENGLISH, 0.0
    for item in accept_language.split(",")[:50]:
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if primary in SUPPORTED and q > best_q and 0 < q <= 1:
            best, best_q = primary, q
    return best


def localized_title(slug: str, language: str) -> str | None:
    return TITLES.get(language, {}).get(slug)


class LocalizationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = ENGLISH
        for name, value in scope["headers"]:
            if name == b"accept-language":
                language = chosen_language(value.decode("latin-1"))
                break
        start: Message | None = None
        chunks: list[bytes] = []

        async def localizing_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if _is_problem(message):
                    start = message  # held until the body is whole
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = _localized(b"".join(chunks), language)
                headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
                headers += [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-language", language.encode()),
                    (b"vary", b"Accept-Language"),
                ]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, localizing_send)


def _is_problem(message: Message) -> bool:
    for name, value in message.get("headers", []):
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip() == _PROBLEM)
    return False


def _localized(body: bytes, language: str) -> bytes:
    if language == ENGLISH:
        return body
    try:
        problem: Any = json.loads(body)
    except ValueError:
        return body
    if not isinstance(problem, dict) or not isinstance(problem.get("type"), str):
        return body
    title = localized_title(problem["type"].rsplit("/", 1)[-1], language)
    if title is None:
        return body
    problem["title"] = title
    # ASCII, as every problem is written: a detail may quote text no UTF-8 encoder takes.
    return json.dumps(problem, separators=(",", ":"), ensure_ascii=True).encode("ascii")
