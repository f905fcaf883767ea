import pytest

from incidex.errors import InputError
from incidex.pipeline.read import html_to_text, read_bytes

MAX = 1_000_000


def docs(data: bytes, suffix: str = ".txt", max_chars: int = MAX):
    return list(read_bytes(data, f"f{suffix}", suffix, max_chars))


def test_encodings_are_detected():
    text = "Les forces ont bombardé Tartar le 27 septembre 2020; des civils ont été tués à Ganja. " * 3
    for enc in ("utf-8", "latin-1", "utf-16"):
        got = docs(text.encode(enc))[0]
        assert got.text.strip() == text.strip(), enc


def test_binary_is_refused_with_the_file_named():
    with pytest.raises(InputError) as e:
        docs(bytes(range(256)) * 10)
    assert e.value.code == "E103" and "f.txt" in e.value.message


def test_empty_file_gives_a_warning_not_an_error():
    d = docs(b"")[0]
    assert d.text == "" and d.warnings


def test_too_long_is_a_clear_error():
    with pytest.raises(InputError) as e:
        docs(b"word " * 100, max_chars=50)
    assert e.value.code == "E106"


def test_html_main_text_without_scripts_and_boilerplate():
    html = b"""<html><head><title>T</title><script>var x = 'shelling';</script></head><body>
    <nav><a href='/'>Home</a> Menu</nav><article><h1>Strike on Osh</h1><p>Shells hit <b>Osh</b> on Monday.</p>
    <ul><li><p>Two killed.</p></li></ul></article><footer>Copyright</footer></body></html>"""
    d = docs(html, ".html")[0]
    assert "Shells hit Osh on Monday." in d.text and "Two killed." in d.text
    assert "var x" not in d.text and "Menu" not in d.text and "Copyright" not in d.text
    assert d.text.count("Two killed.") == 1 and d.title == "Strike on Osh"


def test_html_without_text_is_an_error():
    with pytest.raises(InputError) as e:
        html_to_text("<html><body><script>x()</script></body></html>", "p.html")
    assert e.value.code == "E105"


def _pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    return out


def test_pdf_text_layer():
    d = docs(_pdf("Gunmen attacked a checkpoint near Batken."), ".pdf")[0]
    assert "Gunmen attacked a checkpoint near Batken." in d.text


def test_unreadable_pdf_is_an_error():
    with pytest.raises(InputError) as e:
        docs(b"%PDF-1.4 garbage", ".pdf")
    assert e.value.code in ("E104", "E108")


def test_jsonl_records_and_bad_lines():
    data = (b'{"text": "A report.", "url": "https://example.org/a", "title": "A", "published": "2024-03-01", "publisher": "Wire"}\n'
            b'not json\n{"text": "B report."}\n')
    got = docs(data, ".jsonl")
    assert got[0].text == "A report." and got[0].published == "2024-03-01" and got[0].publisher == "Wire"
    assert isinstance(got[1], InputError) and got[1].code == "E107" and "line 2" in got[1].message
    assert got[2].text == "B report."
