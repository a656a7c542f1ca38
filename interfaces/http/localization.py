"""Problem titles in the caller's language: English, or Vietnamese (the seed's languages).

The language is the first of the request's `Accept-Language` ranges (by q-value) that
Testament speaks; without the header, the language the caller chose in their profile
(`PUT /me/profile`, read from a valid access token); English otherwise. An Admin's edited
title (config.localization_entries, docs/configuration.md) comes before the code's. Every problem+json answer is written in English
by the code that refuses (errors.py and the guards); this middleware, outside them all,
puts the title of the chosen language in its place, by the problem's type, and says which
language it answered in (`Content-Language`) and that the answer depends on the header
(`Vary: Accept-Language`). A `detail` stays as written: it quotes the request (field
names, values) and is for people reading logs as much as for end users.
"""

import json
from collections.abc import Callable
from typing import Any, Protocol

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.http.errors import PROBLEM_JSON

ENGLISH = "en"
SUPPORTED = (ENGLISH, "vi")
_PROBLEM = PROBLEM_JSON.encode()

# Titles by problem type (`/problems/<slug>`), for every type of docs/problems.md.
TITLES: dict[str, dict[str, str]] = {
    # As the code writes them: seeded as the `en` rows an Admin may edit (docs/configuration.md).
    "en": {
        "validation": "Invalid input",
        "bad-if-match": "Bad If-Match",
        "bad-idempotency-key": "Bad Idempotency-Key",
        "idempotency-key-reused": "Idempotency-Key reused",
        "bad-position": "Bad position",
        "position-not-written": "Position not written",
        "bad-request": "Bad request",
        "too-large": "Content too large",
        "empty-document": "Empty document",
        "unresolved-references": "The specification's files cannot be put together",
        "inconsistent-values": "Values that disagree",
        "fetch-refused": "Cannot fetch the URL",
        "method-not-allowed": "Method not allowed",
        "http-error": "HTTP error",
        "unauthorized": "Authentication required",
        "api-key-scope": "Outside the API key's scope",
        "api-key-not-allowed": "Not with an API key",
        "api-key-rate-limited": "Too many requests",
        "two-factor-required": "Second factor required",
        "invalid-second-factor": "Wrong code",
        "external-sign-in-failed": "Sign-in failed",
        "sign-up-refused": "No account opened",
        "forbidden": "Forbidden",
        "account-disabled": "Account disabled",
        "registration-closed": "Registration closed",
        "invitation-required": "Invitation required",
        "limit-exceeded": "Plan limit reached",
        "export-format-not-allowed": "Format not in your plan",
        "invalid-signature": "Invalid signature",
        "too-many-attempts": "Too many attempts",
        "not-found": "Not found",
        "results-expired": "Results expired",
        "report-details-expired": "Run details expired",
        "report-expired": "Report expired",
        "version-mismatch": "Precondition failed",
        "concurrent-change": "Conflict",
        "idempotency-key-in-use": "Idempotency-Key in use",
        "conflict": "Conflict",
        "project-archived": "Project archived",
        "project-not-archived": "Project not archived",
        "specification-state": "Specification in the wrong state",
        "not-manual-specification": "Not a manual specification",
        "duplicate-endpoint": "Endpoint already exists",
        "no-active-specification": "No active specification",
        "specification-not-parsed": "Specification not parsed",
        "order-mismatch": "Not the suite's cases",
        "suite-archived": "Suite archived",
        "duplicate-case": "Case added twice",
        "case-not-in-suite": "Not a case of this suite",
        "unknown-endpoints": "Not endpoints of the specification",
        "nothing-to-generate": "No case can be generated",
        "suite-not-orderable": "Suite cannot be ordered by a model",
        "refund-not-allowed": "Payment cannot be refunded",
        "documentation-draft-state": "Documentation draft in the wrong state",
        "no-phone-number": "No phone number",
        "target-refused": "Testament will not post to this URL",
        "token-not-valid": "Token not valid",
        "case-has-dependants": "Other cases depend on this case",
        "proposal-decided": "Proposal already decided",
        "case-deleted": "Test case deleted",
        "duplicate-data-set": "Data set name taken",
        "environment-deleted": "Environment deleted",
        "file-deleted": "File deleted",
        "suite-not-runnable": "Suite cannot run",
        "no-environment": "No execution environment",
        "too-many-schedules": "Too many schedules",
        "schedule-deleted": "Schedule deleted",
        "run-status": "Run in the wrong status",
        "api-key-revoked": "API key already revoked",
        "role-already-granted": "Role already held",
        "role-not-held": "Role not held",
        "account-already-disabled": "Account already disabled",
        "account-not-disabled": "Account not disabled",
        "own-account": "Not on your own account",
        "two-factor-enabled": "Two-factor already on",
        "two-factor-not-enabled": "Two-factor is off",
        "two-factor-not-started": "No enrolment started",
        "code-already-used": "Code already used",
        "account-exists": "Account exists: link it",
        "login-taken": "Provider account linked elsewhere",
        "last-sign-in-method": "Last way to sign in",
        "login-not-linked": "Provider not linked",
        "claim-already-held": "Claim already held",
        "claim-not-held": "Claim not held",
        "plan-name-taken": "Plan name taken",
        "subscription-state": "Subscription in the wrong state",
        "invitation-unusable": "Invitation unusable",
        "email-taken": "E-mail address taken",
        "webhook-deleted": "Webhook deleted",
        "webhook-state": "Webhook already in that state",
        "setting-not-set": "Setting already at its default",
        "text-not-edited": "Text not edited",
        "not-a-failure": "Case did not fail",
        "suggestion-state": "Suggestion list in the wrong state",
        "coverage-not-ready": "Coverage not calculated yet",
        "run-not-finished": "Run not ended",
        "report-not-ready": "Report not made",
        "read-model-behind": "Read model not caught up",
        "read-wait-busy": "Too many reads waiting",
        "billing-not-configured": "Billing not configured",
        "payment-provider-error": "Payment provider error",
        "write-timeout": "Busy",
        "llm-not-configured": "LLM assistance is not configured",
        "llm-unavailable": "The model did not answer",
        "llm-invalid-answer": "The model answered badly",
        "internal": "Internal error",
    },
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
        "documentation-draft-state": "Trạng thái bản nháp tài liệu không phù hợp",
        "two-factor-enabled": "Xác thực hai lớp đã bật",
        "two-factor-not-enabled": "Xác thực hai lớp chưa bật",
        "two-factor-not-started": "Chưa bắt đầu đăng ký",
        "two-factor-required": "Cần bước xác thực thứ hai",
        "webhook-deleted": "Webhook đã bị xóa",
        "webhook-state": "Webhook đã ở trạng thái đó",
        "setting-not-set": "Thiết lập đã ở giá trị mặc định",
        "text-not-edited": "Văn bản chưa được sửa",
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
        "target-refused": "Testament không gửi tới địa chỉ này",
        "token-not-valid": "Mã không hợp lệ hoặc đã hết hạn",
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
        "suite-not-orderable": "Bộ kiểm thử không thể được mô hình sắp xếp",
        "no-phone-number": "Chưa có số điện thoại",
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


class EditedTexts(Protocol):
    """The titles an Admin edited (config.localization_entries, cached); None: the default."""

    def text(self, name: str, culture: str) -> str | None: ...


def problem_texts() -> dict[tuple[str, str], str]:
    """This function will give every problem title the code has, by (name, language), the
    names an Admin edits them under (`problem.<slug>.title`)."""
    return {
        (f"problem.{slug}.title", language): title
        for language, titles in TITLES.items()
        for slug, title in titles.items()
    }


def localized_title(slug: str, language: str, texts: EditedTexts | None = None) -> str | None:
    """This function will give a problem type's title in a language: an Admin's, else the
    code's; None keeps the title the problem was written with (English, unless edited: the
    `en` table is what the code writes, where one type may have a more precise title)."""
    edited = texts.text(f"problem.{slug}.title", language) if texts is not None else None
    return edited or (None if language == ENGLISH else TITLES.get(language, {}).get(slug))


# The caller's profile language from the request's Authorization header (None: no
# token, an invalid one, or no language chosen); blocking, so run in a worker thread.
ProfileLanguage = Callable[[str], str | None]


class LocalizationMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        texts: EditedTexts | None = None,
        profile_language: ProfileLanguage | None = None,
    ) -> None:
        self.app = app
        self.texts = texts
        self.profile_language = profile_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language: str | None = None
        authorization = ""
        for name, value in scope["headers"]:
            if name == b"accept-language":
                language = chosen_language(value.decode("latin-1"))
            elif name == b"authorization":
                authorization = value.decode("latin-1")
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
                chosen = language or await self._profile_language(authorization)
                body = await anyio.to_thread.run_sync(
                    _localized, b"".join(chunks), chosen, self.texts
                )
                headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
                headers += [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-language", chosen.encode()),
                    (b"vary", b"Accept-Language"),
                ]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, localizing_send)

    async def _profile_language(self, authorization: str) -> str:
        scheme, _, token = authorization.partition(" ")
        if self.profile_language is None or scheme.lower() != "bearer" or not token.strip():
            return ENGLISH
        found = await anyio.to_thread.run_sync(self.profile_language, token.strip())
        return found if found in SUPPORTED else ENGLISH


def _is_problem(message: Message) -> bool:
    for name, value in message.get("headers", []):
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip() == _PROBLEM)
    return False


def _localized(body: bytes, language: str, texts: EditedTexts | None = None) -> bytes:
    if language == ENGLISH and texts is None:
        return body
    try:
        problem: Any = json.loads(body)
    except ValueError:
        return body
    if not isinstance(problem, dict) or not isinstance(problem.get("type"), str):
        return body
    title = localized_title(problem["type"].rsplit("/", 1)[-1], language, texts)
    if title is None or title == problem.get("title"):
        return body
    problem["title"] = title
    # ASCII, as every problem is written: a detail may quote text no UTF-8 encoder takes.
    return json.dumps(problem, separators=(",", ":"), ensure_ascii=True).encode("ascii")
