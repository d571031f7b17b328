NB = {
    "Enter a valid phone number, e.g. 412 34 567, or a number with a country code such as +46 8 123 456.": "Skriv et gyldig telefonnummer, f.eks. 412 34 567, eller et nummer med landskode, som +46 8 123 456.",
}
NB["Not in the list?"] = "Finnes ikke i listen?"
