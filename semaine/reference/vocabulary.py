"""The words of the trades people type that the ROME job titles lack or only half cover.

Each group is a set of words meaning the same thing, and the ROME 4.0 trades they name (possibly
none: « alternance » names a way of working, not a trade). A word of a group expands to every
other word of its group and to its trades (semaine.search.vocabulary loads them, with the gender
forms and acronyms of the ROME job titles of semaine/reference/appellations.py). Sources: the
acronyms and diplomas in use in the sector (France Travail, the Ministry of Health's diplomas
list: DEAS, DEI, DEAES, DEES, DEME, DEEJE, DEASS, DETISF, DECESF, DEAP, DEA, TP ADVF).
"""

# (words, ROME 4.0 codes)
GROUPS = (
    # Trades, with their acronyms and diplomas.
    (
        (
            "aide-soignant",
            "aide-soignante",
            "AS",
            "DEAS",
            "diplôme d'État d'aide-soignant",
            "aide soignant diplômé",
        ),
        ("J1501",),
    ),
    (
        (
            "infirmier",
            "infirmière",
            "IDE",
            "IDEL",
            "DEI",
            "infirmier diplômé d'État",
            "infirmière diplômée d'État",
            "infirmier libéral",
            "infirmière libérale",
        ),
        ("J1506",),
    ),
    (("infirmier anesthésiste", "infirmière anesthésiste", "IADE"), ("J1503",)),
    (("infirmier de bloc opératoire", "infirmière de bloc opératoire", "IBODE"), ("J1504",)),
    (("infirmier en pratique avancée", "infirmière en pratique avancée", "IPA"), ("J1508",)),
    (("infirmier coordinateur", "infirmière coordinatrice", "IDEC"), ("J1510",)),
    (
        (
            "puériculteur",
            "puéricultrice",
            "infirmier puériculteur",
            "infirmière puéricultrice",
            "IPDE",
        ),
        ("J1507",),
    ),
    (
        (
            "accompagnant éducatif et social",
            "accompagnante éducative et sociale",
            "AES",
            "DEAES",
            "AMP",
            "aide médico-psychologique",
            "AVS",
            "auxiliaire de vie sociale",
        ),
        ("K1306",),
    ),
    (
        (
            "agent de service hospitalier",
            "agente de service hospitalier",
            "agent des services hospitaliers",
            "agente des services hospitaliers",
            "ASH",
            "ASHQ",
        ),
        ("J1301",),
    ),
    (("auxiliaire de puériculture", "AP", "DEAP"), ("J1304",)),
    (
        ("éducateur de jeunes enfants", "éducatrice de jeunes enfants", "EJE", "DEEJE"),
        ("K1202",),
    ),
    (("éducateur spécialisé", "éducatrice spécialisée", "ES", "DEES"), ("K1207",)),
    (("moniteur éducateur", "monitrice éducatrice", "ME", "DEME"), ("K1208",)),
    (
        ("assistant de soins en gérontologie", "assistante de soins en gérontologie", "ASG"),
        ("J1501",),
    ),
    (
        (
            "assistant de vie aux familles",
            "assistante de vie aux familles",
            "ADVF",
            "TP ADVF",
            "auxiliaire de vie",
        ),
        ("K1311",),
    ),
    (
        (
            "technicien de l'intervention sociale et familiale",
            "technicienne de l'intervention sociale et familiale",
            "TISF",
            "DETISF",
        ),
        ("K1305",),
    ),
    (
        (
            "conseiller en économie sociale et familiale",
            "conseillère en économie sociale et familiale",
            "CESF",
            "DECESF",
        ),
        ("K1225",),
    ),
    (
        (
            "assistant de service social",
            "assistante de service social",
            "assistant social",
            "assistante sociale",
            "ASS",
            "DEASS",
        ),
        ("K1201",),
    ),
    (("ambulancier", "ambulancière", "DEA"), ("J1305",)),
    (("auxiliaire ambulancier", "auxiliaire ambulancière"), ("J1310",)),
    (("aide à domicile", "aide ménagère", "employé familial", "employée familiale"), ("K1304",)),
    (("assistant maternel", "assistante maternelle", "nounou"), ("K1310",)),
    (("assistant familial", "assistante familiale", "famille d'accueil"), ("K1309",)),
    (("garde d'enfant", "garde d'enfants à domicile", "baby-sitter"), ("K1303",)),
    (("ATSEM", "agent territorial spécialisé des écoles maternelles"), ("K1308",)),
    (("kinésithérapeute", "kiné", "masseur kinésithérapeute", "MK"), ("J1404",)),
    (("ergothérapeute", "ergo"), ("J1403",)),
    (("psychomotricien", "psychomotricienne"), ("J1412",)),
    (("brancardier", "brancardière"), ("J1308",)),
    (("sage-femme", "maïeuticien", "homme sage-femme"), ("J1104",)),
    (("cadre de santé", "cadre infirmier", "cadre infirmière"), ("J1502",)),
    # The everyday words of the trades: no trade of their own, words that mean the same.
    (
        (
            "alternance",
            "apprentissage",
            "apprenti",
            "apprentie",
            "alternant",
            "alternante",
            "contrat d'apprentissage",
            "contrat de professionnalisation",
            "contrat pro",
        ),
        (),
    ),
    (
        (
            "EHPAD",
            "maison de retraite",
            "établissement d'hébergement pour personnes âgées dépendantes",
        ),
        (),
    ),
    (("IFSI", "institut de formation en soins infirmiers", "école d'infirmières"), ()),
    (("IFAS", "institut de formation d'aides-soignants", "école d'aides-soignants"), ()),
    (("SSIAD", "service de soins infirmiers à domicile"), ()),
    (("SAAD", "service d'aide à domicile", "service d'aide et d'accompagnement à domicile"), ()),
    (
        ("petite enfance", "crèche", "multi-accueil", "halte-garderie"),
        ("K1202", "J1304", "K1303", "K1307", "K1310", "K1216"),
    ),
    (
        ("grand âge", "personnes âgées", "gériatrie", "gérontologie", "vieillissement"),
        (),
    ),
    (
        (
            "handicap",
            "situation de handicap",
            "personnes handicapées",
            "IME",
            "ESAT",
            "foyer d'accueil médicalisé",
            "maison d'accueil spécialisée",
        ),
        (),
    ),
    (("protection de l'enfance", "aide sociale à l'enfance", "ASE", "MECS"), ()),
)
