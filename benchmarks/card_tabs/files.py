"""The card's file area with 200 files linked (a third of them also on a company)."""

TAB = "files"
COUNT = 200


def build(contact):
    from companies.models import Company
    from files.models import FileLink
    from files.services import file_link, file_upload

    have = FileLink.objects.filter(contact=contact).count()
    company, _ = Company.objects.get_or_create(name="Benkefirma filer AS")
    for i in range(have, COUNT):
        link = file_upload(
            content=f"Fil {i}\n".encode(), name=f"Benkefil {i:03d}.txt", contact=contact
        )
        if i % 3 == 0:
            file_link(file=link.file, company=company)
