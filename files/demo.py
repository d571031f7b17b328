"""Demo files: a few small text and PDF files on the first demo contacts and companies,
one of them linked in two places, so the file area and «Hent fra systemet» show something."""

from companies.models import Company
from contacts.models import Contact

from .models import FileLink
from .services import file_link, file_upload


def _pdf(title: str) -> bytes:
    """A tiny but valid one-page PDF saying ``title`` (ASCII only)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _files_for(name: str, ctx) -> list[tuple[str, bytes]]:
    fake = ctx.faker
    return [
        (
            f"Møtereferat {name}.txt",
            f"Møtereferat – {name}\n\n{fake.paragraph(nb_sentences=5)}\n".encode(),
        ),
        (f"Tilbud {name}.pdf", _pdf(f"Tilbud til {name}")),
    ]


def seed(ctx):
    contacts = list(Contact.objects.order_by("id")[:5])
    companies = list(Company.objects.order_by("id")[:3])
    uploader = ctx.staff
    for place in [*contacts, *companies]:
        kind = "contact" if isinstance(place, Contact) else "company"
        if FileLink.objects.filter(**{kind: place}).exists():
            continue
        for name, content in _files_for(str(place), ctx):
            file_upload(content=content, name=name, uploader=uploader, **{kind: place})
    # One agreement in two places: a company's file also on its first contact's card.
    if contacts and companies:
        shared = FileLink.objects.filter(company=companies[0]).order_by("id").first()
        if shared is not None:
            file_link(file=shared.file, contact=contacts[0], actor=uploader)
