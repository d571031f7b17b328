NB = {
    "Export the selected notes (CSV)": "Eksporter valgte notater (CSV)",
    "Written": "Skrevet",
    "Author": "Forfatter",
    "Private": "Privat",
    "Contact": "Kontakt",
    "Company": "Bedrift",
    "Project": "Prosjekt",
    "Text": "Tekst",
    "Yes": "Ja",
    "No": "Nei",
}
