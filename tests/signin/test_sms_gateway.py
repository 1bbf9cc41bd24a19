"""The eSMS client against a fake gateway on 127.0.0.1: what it sends, how it reads refusals,
how long a text is, and that a text never reaches the logs."""

import logging
import socket

import pytest

from notifications.transports.base import TransportError
from notifications.transports.sms_gateway import EsmsGateway, SmsError, sms_length, sms_text, strip_diacritics


@pytest.fixture
def client_for(gateway):
    def make(**overrides):
        options = {"url": gateway.url, "api_key": "k", "secret_key": "s", "sender": "SOTAYDANG", "timeout": 5}
        return EsmsGateway(**{**options, **overrides})
    return make


def test_it_sends_one_message_as_esms_expects(gateway, client_for):
    message_id = client_for().send(phone="+84912345678", text="Họp chi bộ 19:30 thứ Bảy", request_id="r-1")
    (body,) = gateway.requests
    assert message_id
    assert body == {
        "ApiKey": "k", "SecretKey": "s", "Brandname": "SOTAYDANG", "SmsType": "2", "IsUnicode": "1",
        "Phone": "84912345678", "Content": "Họp chi bộ 19:30 thứ Bảy", "RequestId": "r-1",
    }


def test_without_unicode_it_strips_the_diacritics(gateway, client_for):
    client_for(unicode=False).send(phone="+84912345678", text="Đảng viên Lê Thị Hoa — họp lúc 19:30")
    assert gateway.requests[0]["IsUnicode"] == "0"
    assert gateway.requests[0]["Content"] == "Dang vien Le Thi Hoa ? hop luc 19:30"


def test_a_duplicate_request_id_counts_as_sent(gateway, client_for):
    gateway.answer("+84912345678", code="124", message="Request exist 1")
    client_for().send(phone="+84912345678", text="x", request_id="r-1")


@pytest.mark.parametrize(("status", "code", "kind", "permanent", "bad_address"), [
    (200, "108", SmsError.INVALID_NUMBER, True, True),
    (200, "99", SmsError.INVALID_NUMBER, True, True),
    (200, "101", SmsError.REJECTED, True, False),
    (200, "146", SmsError.REJECTED, True, False),
    (200, "103", SmsError.TEMPORARY, False, False),
    (200, "555", SmsError.REJECTED, True, False),
    (429, None, SmsError.RATE_LIMITED, False, False),
    (503, None, SmsError.TEMPORARY, False, False),
    (400, None, SmsError.REJECTED, True, False),
])
def test_it_classifies_the_gateways_refusals(gateway, client_for, status, code, kind, permanent, bad_address):
    gateway.answer("+84912345678", status=status, code=code, message="refused")
    with pytest.raises(SmsError) as caught:
        client_for().send(phone="+84912345678", text="x")
    assert isinstance(caught.value, TransportError)
    assert (caught.value.kind, caught.value.permanent, caught.value.bad_address) == (kind, permanent, bad_address)


def test_an_unreachable_gateway_is_temporary_and_unavailable(client_for):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(SmsError) as caught:
        client_for(url=f"http://127.0.0.1:{port}/").send(phone="+84912345678", text="x")
    assert caught.value.kind == SmsError.TEMPORARY and not caught.value.permanent and caught.value.unavailable


def test_an_answer_that_is_not_json_is_temporary(gateway, client_for):
    gateway.answers["84912345678"] = (200, "not json")  # json.dumps gives a JSON string, not an object
    with pytest.raises(SmsError) as caught:
        client_for().send(phone="+84912345678", text="x")
    assert caught.value.kind == SmsError.TEMPORARY


def test_the_text_is_never_logged(gateway, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    client_for().send(phone="+84912345678", text="Mã đăng nhập: 482913")
    gateway.answer("+84912345678", code="108", message="bad")
    with pytest.raises(SmsError) as caught:
        client_for().send(phone="+84912345678", text="Mã đăng nhập: 482913")
    assert "482913" not in caplog.text and "482913" not in str(caught.value)


def test_it_counts_segments_by_encoding():
    assert sms_length("a" * 160) == sms_length("a" * 160).__class__("gsm7", 160, 1)
    assert sms_length("a" * 161).segments == 2
    assert sms_length("a" * 306).segments == 2 and sms_length("a" * 307).segments == 3
    assert sms_length("€" * 80).units == 160 and sms_length("€" * 80).segments == 1  # extension: 2 septets each
    assert sms_length("ạ" * 70) == sms_length("ạ" * 70).__class__("ucs2", 70, 1)
    assert sms_length("ạ" * 71).segments == 2 and sms_length("ạ" * 134).segments == 2
    assert sms_length("ạ" * 135).segments == 3


def test_a_reminder_fits_two_segments_with_diacritics_and_one_without():
    reminder = "Nhắc lịch: Chi bộ thôn Đông họp thường kỳ 19:30 thứ Bảy 05/12/2026 tại Nhà văn hóa thôn Đông."
    assert sms_length(sms_text(reminder, unicode=True)).segments == 2
    assert sms_length(sms_text(reminder, unicode=False)).segments == 1


def test_stripping_keeps_plain_letters_and_nfc():
    assert strip_diacritics("Đảng ủy xã Tân Hòa") == "Dang uy xa Tan Hoa"
    decomposed = "Hoa\u0300"  # NFD "Hoà"
    assert sms_text(decomposed, unicode=True) == "Hoà"
