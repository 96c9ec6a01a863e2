"""The optional second opinion on hard items, against a small OpenAI-compatible server on
127.0.0.1 run by the test (no network): only low-confidence items are asked, answers are
checked against the register and the passage, spans stay the reader's, and any failure keeps
the rule-based result."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from dondoc.reader import assist
from dondoc.reader.core.types import (
    Field,
    Header,
    Proposal,
    Reading,
    Register,
    RegisterAgency,
    RegisterMember,
)

TEXT = (
    "II. NHIỆM VỤ\n"
    "(1) Đồng chí Nguyễn Mạnh Hùng chỉ đạo Bộ Khoa học và Công nghệ xây dựng Luật Khoa học, "
    "hoàn thành trong quý II/2025.\n"
    "(2) Về bộ chỉ số, đề nghị nghiên cứu, xây dựng bộ chỉ số theo dõi kết quả thực hiện; "
    "đồng chí Nguyễn Mạnh Hùng chỉ đạo, Bộ Khoa học và Công nghệ chủ trì, Bộ Tài chính phối "
    "hợp, trình trong tháng 6/2025.\n"
)
REGISTER = Register(
    members=[
        RegisterMember(4, "Nguyễn Mạnh Hùng", (("Bộ trưởng Bộ Khoa học và Công nghệ", None, None),))
    ],
    agencies=[
        RegisterAgency(7, "Đảng ủy Bộ Khoa học và Công nghệ", ("Bộ Khoa học và Công nghệ",)),
        RegisterAgency(9, "Đảng ủy Bộ Tài chính", ("Bộ Tài chính",)),
    ],
)


def _reading() -> Reading:
    first = TEXT.index("(1)")
    second = TEXT.index("(2)")
    lead_at = TEXT.index("Bộ Khoa học và Công nghệ", first)
    sure = Proposal(
        key="II.1",
        parent_key=None,
        content="Xây dựng Luật Khoa học.",
        members=[Field("Nguyễn Mạnh Hùng", (first + 13, first + 29), 0.9, 4)],
        leads=[Field("Đảng ủy Bộ Khoa học và Công nghệ", (lead_at, lead_at + 24), 0.9, 7, "unit")],
        deadline=Field("Quý II/2025", None, 0.9),
        due=dt.date(2025, 6, 30),
        confidence=0.95,
        span=(first, second - 1),
        label="(1)",
    )
    hard = Proposal(
        key="II.2",
        parent_key=None,
        content="Về bộ chỉ số, đề nghị nghiên cứu, xây dựng bộ chỉ số theo dõi kết quả thực hiện.",
        confidence=0.4,
        span=(second, len(TEXT) - 1),
        label="(2)",
    )
    header = Header("01-KH/X", "KH/X", dt.date(2025, 3, 5), "BỘ X", "plan", "Kế hoạch")
    return Reading(header=header, parts=[], tasks=[sure, hard], text=TEXT)


ANSWER = {
    "content": "Nghiên cứu, xây dựng bộ chỉ số theo dõi kết quả thực hiện",
    "members": ["Đồng chí Nguyễn Mạnh Hùng", "Đồng chí Trần Văn Vắng"],
    "leads": ["Bộ Khoa học và Công nghệ", "Viện Không Có Thật"],
    "coordinating": ["Bộ Tài chính"],
    "deadline_text": "trong tháng 6/2025",
}


class Peer:
    """A tiny OpenAI-compatible chat-completions server: answers every request with
    ``reply`` (a dict sent as the message content, or raw text), or with ``status``."""

    def __init__(self, reply, status: int = 200, delay: float = 0.0) -> None:
        self.reply, self.status, self.delay = reply, status, delay
        self.requests: list[dict] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                peer.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        **json.loads(body),
                    }
                )
                time.sleep(peer.delay)
                content = peer.reply if isinstance(peer.reply, str) else json.dumps(peer.reply)
                data = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
                try:
                    self.send_response(peer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout case)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_only_the_low_confidence_item_is_asked_and_its_checked_fields_are_taken():
    reading = _reading()
    sure_before = reading.tasks[0]
    with Peer(ANSWER) as peer:
        endpoint = assist.Endpoint(peer.url, "small-model", key="k-123", timeout=5)
        taken = assist.refine(reading, REGISTER, endpoint, below=0.6)
    assert len(peer.requests) == 1
    request = peer.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k-123"
    assert request["model"] == "small-model" and "bộ chỉ số" in request["messages"][1]["content"]
    assert taken == {1: ["content", "members", "leads", "coordinating", "deadline_text"]}
    assert reading.tasks[0] is sure_before
    hard = reading.tasks[1]
    assert hard.content == ANSWER["content"]
    # Names resolve through the register; the unknown member and agency are dropped.
    assert [(m.value, m.resolved_id) for m in hard.members] == [("Nguyễn Mạnh Hùng", 4)]
    assert [(a.value, a.resolved_id) for a in hard.leads] == [
        ("Đảng ủy Bộ Khoa học và Công nghệ", 7)
    ]
    assert [a.resolved_id for a in hard.coordinators] == [9]
    # Spans are where the text says it, never the model's.
    start, end = hard.members[0].span
    assert TEXT[start:end] == "Nguyễn Mạnh Hùng" and start > TEXT.index("(2)")
    start, end = hard.deadline.span
    assert TEXT[start:end] == "trong tháng 6/2025" and hard.due is None
    assert hard.span == _reading().tasks[1].span and hard.confidence == 0.4


def test_an_answer_not_written_in_the_passage_is_refused():
    reading = _reading()
    invented = {
        "content": "Ban hành nghị định về quỹ đầu tư mạo hiểm quốc gia",
        "members": ["Trần Văn Vắng"],
        "leads": ["Viện Không Có Thật"],
        "deadline_text": "trước ngày 31/12/2026",
    }
    with Peer(invented) as peer:
        taken = assist.refine(reading, REGISTER, assist.Endpoint(peer.url, "m"), below=0.6)
    assert taken == {} and reading.tasks[1] == _reading().tasks[1]


@pytest.mark.parametrize(
    "peer_args",
    [
        {"reply": ANSWER, "status": 500},
        {"reply": "Xin lỗi, tôi không trả lời được."},
        {"reply": "[1, 2]"},
        {"reply": ANSWER, "delay": 2.0},  # slower than the endpoint's timeout
    ],
    ids=["server-error", "not-json", "not-an-object", "timeout"],
)
def test_any_failure_keeps_the_rule_based_result(peer_args):
    reading = _reading()
    with Peer(**peer_args) as peer:
        endpoint = assist.Endpoint(peer.url, "m", timeout=0.5)
        taken = assist.refine(reading, REGISTER, endpoint, below=0.6)
    assert taken == {} and reading.tasks == _reading().tasks


def test_without_an_endpoint_nothing_is_asked():
    reading = _reading()
    assert assist.refine(reading, REGISTER, None, below=0.6) == {}
    assert assist.refine(reading, REGISTER, assist.Endpoint("", ""), below=0.6) == {}
    assert reading.tasks == _reading().tasks


@pytest.mark.django_db
def test_the_review_screen_flags_the_fields_the_model_gave(
    client, clerk, program, committee, most, member_person, settings
):
    from dondoc.reader.models import ReadingDraft
    from dondoc.reader.tests.test_reader import SEED

    answer = {
        "members": ["Đồng chí Nguyễn Mạnh Hùng"],
        "leads": ["Đảng ủy Bộ Khoa học và Công nghệ"],
    }
    client.force_login(clerk)
    with Peer(answer) as peer:
        settings.DONDOC_READER_LLM_URL = peer.url
        settings.DONDOC_READER_LLM_MODEL = "m"
        response = client.post(reverse("reader-start"), {"program": "NQ57", "text": SEED})
    assert response.status_code == 302
    cards = ReadingDraft.objects.get().proposals
    low = [c for c in cards if c["confidence"] < 0.6]
    assert low and len(peer.requests) == len(low)
    flagged = [c for c in cards if c.get("assisted")]
    assert flagged and all(c in low for c in flagged)
    assert all(c["members"][0]["ref"] == f"member:{member_person.pk}" for c in flagged)
    page = client.get(response.url).content.decode()
    assert "Do mô hình ngôn ngữ gợi ý" in page or "Suggested by the language model" in page


def test_the_endpoint_is_configured_only_with_both_url_and_model(settings):
    from dondoc.reader.views import _endpoint

    settings.DONDOC_READER_LLM_URL, settings.DONDOC_READER_LLM_MODEL = "", "m"
    assert _endpoint() is None
    settings.DONDOC_READER_LLM_URL = "http://127.0.0.1:9/v1/chat/completions"
    settings.DONDOC_READER_LLM_KEY, settings.DONDOC_READER_LLM_TIMEOUT = "k", 7
    endpoint = _endpoint()
    assert endpoint.completions_url == "http://127.0.0.1:9/v1/chat/completions"
    assert (endpoint.model, endpoint.key, endpoint.timeout) == ("m", "k", 7.0)
