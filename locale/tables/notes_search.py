# Norwegian Bokmål for the search panel's note search («Notat»).
NB = {
    "Note text": "Notat",
}
