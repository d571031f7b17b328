NB = {"Page %(number)s": "Side %(number)s"}
