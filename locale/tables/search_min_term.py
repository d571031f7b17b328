NB = {
    "Type at least %(count)s characters to search by %(type)s.": "Skriv minst %(count)s tegn for å søke på %(type)s.",
}
