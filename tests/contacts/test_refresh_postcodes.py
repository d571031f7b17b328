"""``manage.py refresh_postcodes``: Posten/Bring's register file into contacts.PostalCode."""

from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from contacts.models import PostalCode
from contacts.postcodes import town_for

pytestmark = pytest.mark.django_db

# Real lines of the register, in its own shape: postnummer, poststed, kommunenummer,
# kommune, kategori; tab-separated, Windows-1252, CRLF.
REGISTER = [
    ("0150", "OSLO", "0301", "OSLO", "G"),
    ("4006", "STAVANGER", "1103", "STAVANGER", "G"),
    ("5003", "BERGEN", "4601", "BERGEN", "G"),
    ("7010", "TRONDHEIM", "5001", "TRONDHEIM", "G"),
    ("9008", "TROMSØ", "5501", "TROMSØ", "G"),
]


def register_file(tmp_path, lines=REGISTER, name="postnummerregister-ansi.txt"):
    path = tmp_path / name
    path.write_bytes("".join("\t".join(line) + "\r\n" for line in lines).encode("cp1252"))
    return path


def refresh(*args) -> str:
    out = StringIO()
    call_command("refresh_postcodes", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


def test_the_shipped_register_is_loaded_by_the_migration():
    # Run its step again on an empty table: a transactional test before this one may
    # have emptied it.
    PostalCode.objects.all().delete()
    import_module("contacts.migrations.0008_load_postcodes").load(apps, None)
    assert PostalCode.objects.count() > 4000
    assert town_for("0150") == "OSLO" and town_for("9008") == "TROMSØ"


def test_a_windows_1252_file_replaces_the_register(tmp_path):
    output = refresh(str(register_file(tmp_path)))

    tromso = PostalCode.objects.get(postcode="9008")
    assert (tromso.town, tromso.municipality_number, tromso.municipality, tromso.category) == (
        "TROMSØ",
        "5501",
        "TROMSØ",
        "G",
    )
    # What the file no longer has is gone: the table is the register, no more.
    assert sorted(PostalCode.objects.values_list("postcode", flat=True)) == [
        "0150",
        "4006",
        "5003",
        "7010",
        "9008",
    ]
    assert "5 postcodes in the file" in output


def test_running_it_again_changes_nothing(tmp_path):
    path = register_file(tmp_path)
    refresh(str(path))
    output = refresh(str(path))
    assert "0 new, 0 changed, 0 removed, 5 unchanged" in output
    assert PostalCode.objects.count() == 5


def test_a_changed_town_is_updated_and_a_new_postcode_added(tmp_path):
    refresh(str(register_file(tmp_path)))
    changed = [*REGISTER[:4], ("9008", "TROMSØ SENTRUM", "5501", "TROMSØ", "G")]
    changed.append(("9019", "TROMSØ", "5501", "TROMSØ", "G"))
    output = refresh(str(register_file(tmp_path, changed, name="new.txt")))
    assert "1 new, 1 changed, 0 removed, 4 unchanged" in output
    assert town_for("9008") == "TROMSØ SENTRUM" and town_for("9019") == "TROMSØ"


def test_the_file_can_be_fetched_from_a_url(tmp_path):
    path = register_file(tmp_path)
    refresh("--url", path.as_uri())
    assert PostalCode.objects.count() == 5


def test_lines_that_are_not_postcodes_are_left_out(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        b"Postnummer\tPoststed\r\n0150\tOSLO\t0301\tOSLO\tG\r\n\r\n12345\tX\r\n0151\t\r\n"
    )
    refresh(str(path))
    assert list(PostalCode.objects.values_list("postcode", flat=True)) == ["0150"]


@pytest.mark.parametrize("content", [b"", b"not a register\r\n"])
def test_a_file_without_postcodes_leaves_the_register_as_it_was(
    tmp_path, postcode_register, content
):
    before = PostalCode.objects.count()
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="ingen postnumre"):
        refresh(str(path))
    assert PostalCode.objects.count() == before > 0


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        refresh(str(tmp_path / "nowhere.txt"))


def test_a_url_of_another_kind_is_refused():
    with pytest.raises(CommandError, match="must start with"):
        refresh("--url", "ftp://example.invalid/register.txt")
