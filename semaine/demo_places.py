"""Real places for the demo dataset: each department's prefecture and a second town (the
agencies' towns), and the real communes events and offers are spread over."""

import functools
import random
from dataclasses import dataclass

from semaine.models import Commune

# Communes of each department events and offers are drawn from, the biggest, by population.
DEMO_COMMUNES_PER_DEPARTMENT = 40


@dataclass(frozen=True)
class DemoPlace:
    city: str
    postcode: str
    latitude: float
    longitude: float


@functools.cache
def demo_communes() -> dict[str, tuple[tuple[DemoPlace, ...], tuple[int, ...]]]:
    """department code -> (places, population weights): its biggest communes, a city's
    arrondissements in place of the whole city (one postcode each). Read once per process:
    reference data only changes with a deploy."""
    cities_with_arrondissements = set(
        Commune.objects.filter(parent__isnull=False).values_list("parent_id", flat=True)
    )
    names = dict(
        Commune.objects.filter(insee__in=cities_with_arrondissements).values_list("insee", "name")
    )
    by_department: dict[str, list[Commune]] = {}
    for commune in Commune.objects.exclude(insee__in=cities_with_arrondissements).by_size():
        places = by_department.setdefault(commune.department_id, [])
        if len(places) < DEMO_COMMUNES_PER_DEPARTMENT:
            places.append(commune)
    return {
        code: (
            tuple(
                DemoPlace(
                    city=names.get(c.parent_id, c.name),
                    postcode=c.postcodes[0],
                    latitude=c.latitude,
                    longitude=c.longitude,
                )
                for c in communes
            ),
            tuple(max(c.population, 1) for c in communes),
        )
        for code, communes in by_department.items()
    }


def demo_place(rng: random.Random, department: str) -> DemoPlace:
    """A real commune of the department, drawn in proportion to its population."""
    places, weights = demo_communes()[department]
    return rng.choices(places, weights=weights)[0]


# department code -> ((city, postcode), (city, postcode))
PLACES = {
    "01": (("Bourg-en-Bresse", "01000"), ("Oyonnax", "01100")),
    "02": (("Laon", "02000"), ("Saint-Quentin", "02100")),
    "03": (("Moulins", "03000"), ("Vichy", "03200")),
    "04": (("Digne-les-Bains", "04000"), ("Manosque", "04100")),
    "05": (("Gap", "05000"), ("Briançon", "05100")),
    "06": (("Nice", "06000"), ("Cannes", "06400")),
    "07": (("Privas", "07000"), ("Annonay", "07100")),
    "08": (("Charleville-Mézières", "08000"), ("Sedan", "08200")),
    "09": (("Foix", "09000"), ("Pamiers", "09100")),
    "10": (("Troyes", "10000"), ("Romilly-sur-Seine", "10100")),
    "11": (("Carcassonne", "11000"), ("Narbonne", "11100")),
    "12": (("Rodez", "12000"), ("Millau", "12100")),
    "13": (("Marseille", "13001"), ("Aix-en-Provence", "13100")),
    "14": (("Caen", "14000"), ("Lisieux", "14100")),
    "15": (("Aurillac", "15000"), ("Saint-Flour", "15100")),
    "16": (("Angoulême", "16000"), ("Cognac", "16100")),
    "17": (("La Rochelle", "17000"), ("Saintes", "17100")),
    "18": (("Bourges", "18000"), ("Vierzon", "18100")),
    "19": (("Tulle", "19000"), ("Brive-la-Gaillarde", "19100")),
    "2A": (("Ajaccio", "20000"), ("Porto-Vecchio", "20137")),
    "2B": (("Bastia", "20200"), ("Corte", "20250")),
    "21": (("Dijon", "21000"), ("Beaune", "21200")),
    "22": (("Saint-Brieuc", "22000"), ("Lannion", "22300")),
    "23": (("Guéret", "23000"), ("Aubusson", "23200")),
    "24": (("Périgueux", "24000"), ("Bergerac", "24100")),
    "25": (("Besançon", "25000"), ("Montbéliard", "25200")),
    "26": (("Valence", "26000"), ("Montélimar", "26200")),
    "27": (("Évreux", "27000"), ("Vernon", "27200")),
    "28": (("Chartres", "28000"), ("Dreux", "28100")),
    "29": (("Quimper", "29000"), ("Brest", "29200")),
    "30": (("Nîmes", "30000"), ("Alès", "30100")),
    "31": (("Toulouse", "31000"), ("Saint-Gaudens", "31800")),
    "32": (("Auch", "32000"), ("Condom", "32100")),
    "33": (("Bordeaux", "33000"), ("Libourne", "33500")),
    "34": (("Montpellier", "34000"), ("Béziers", "34500")),
    "35": (("Rennes", "35000"), ("Saint-Malo", "35400")),
    "36": (("Châteauroux", "36000"), ("Issoudun", "36100")),
    "37": (("Tours", "37000"), ("Amboise", "37400")),
    "38": (("Grenoble", "38000"), ("Vienne", "38200")),
    "39": (("Lons-le-Saunier", "39000"), ("Dole", "39100")),
    "40": (("Mont-de-Marsan", "40000"), ("Dax", "40100")),
    "41": (("Blois", "41000"), ("Vendôme", "41100")),
    "42": (("Saint-Étienne", "42000"), ("Roanne", "42300")),
    "43": (("Le Puy-en-Velay", "43000"), ("Yssingeaux", "43200")),
    "44": (("Nantes", "44000"), ("Saint-Nazaire", "44600")),
    "45": (("Orléans", "45000"), ("Montargis", "45200")),
    "46": (("Cahors", "46000"), ("Figeac", "46100")),
    "47": (("Agen", "47000"), ("Villeneuve-sur-Lot", "47300")),
    "48": (("Mende", "48000"), ("Marvejols", "48100")),
    "49": (("Angers", "49000"), ("Cholet", "49300")),
    "50": (("Saint-Lô", "50000"), ("Cherbourg-en-Cotentin", "50100")),
    "51": (("Châlons-en-Champagne", "51000"), ("Reims", "51100")),
    "52": (("Chaumont", "52000"), ("Saint-Dizier", "52100")),
    "53": (("Laval", "53000"), ("Mayenne", "53100")),
    "54": (("Nancy", "54000"), ("Lunéville", "54300")),
    "55": (("Bar-le-Duc", "55000"), ("Verdun", "55100")),
    "56": (("Vannes", "56000"), ("Lorient", "56100")),
    "57": (("Metz", "57000"), ("Thionville", "57100")),
    "58": (("Nevers", "58000"), ("Cosne-Cours-sur-Loire", "58200")),
    "59": (("Lille", "59000"), ("Dunkerque", "59140")),
    "60": (("Beauvais", "60000"), ("Compiègne", "60200")),
    "61": (("Alençon", "61000"), ("Flers", "61100")),
    "62": (("Arras", "62000"), ("Calais", "62100")),
    "63": (("Clermont-Ferrand", "63000"), ("Riom", "63200")),
    "64": (("Pau", "64000"), ("Bayonne", "64100")),
    "65": (("Tarbes", "65000"), ("Lourdes", "65100")),
    "66": (("Perpignan", "66000"), ("Prades", "66500")),
    "67": (("Strasbourg", "67000"), ("Haguenau", "67500")),
    "68": (("Colmar", "68000"), ("Mulhouse", "68100")),
    "69": (("Lyon", "69003"), ("Villeurbanne", "69100")),
    "70": (("Vesoul", "70000"), ("Lure", "70200")),
    "71": (("Mâcon", "71000"), ("Chalon-sur-Saône", "71100")),
    "72": (("Le Mans", "72000"), ("La Flèche", "72200")),
    "73": (("Chambéry", "73000"), ("Albertville", "73200")),
    "74": (("Annecy", "74000"), ("Thonon-les-Bains", "74200")),
    "75": (("Paris", "75012"), ("Paris", "75019")),
    "76": (("Rouen", "76000"), ("Le Havre", "76600")),
    "77": (("Melun", "77000"), ("Meaux", "77100")),
    "78": (("Versailles", "78000"), ("Mantes-la-Jolie", "78200")),
    "79": (("Niort", "79000"), ("Bressuire", "79300")),
    "80": (("Amiens", "80000"), ("Abbeville", "80100")),
    "81": (("Albi", "81000"), ("Castres", "81100")),
    "82": (("Montauban", "82000"), ("Castelsarrasin", "82100")),
    "83": (("Toulon", "83000"), ("Draguignan", "83300")),
    "84": (("Avignon", "84000"), ("Carpentras", "84200")),
    "85": (("La Roche-sur-Yon", "85000"), ("Les Sables-d'Olonne", "85100")),
    "86": (("Poitiers", "86000"), ("Châtellerault", "86100")),
    "87": (("Limoges", "87000"), ("Saint-Junien", "87200")),
    "88": (("Épinal", "88000"), ("Saint-Dié-des-Vosges", "88100")),
    "89": (("Auxerre", "89000"), ("Sens", "89100")),
    "90": (("Belfort", "90000"), ("Delle", "90100")),
    "91": (("Évry-Courcouronnes", "91000"), ("Massy", "91300")),
    "92": (("Nanterre", "92000"), ("Boulogne-Billancourt", "92100")),
    "93": (("Bobigny", "93000"), ("Saint-Denis", "93200")),
    "94": (("Créteil", "94000"), ("Vitry-sur-Seine", "94400")),
    "95": (("Cergy", "95000"), ("Argenteuil", "95100")),
    "971": (("Basse-Terre", "97100"), ("Pointe-à-Pitre", "97110")),
    "972": (("Fort-de-France", "97200"), ("Le Lamentin", "97232")),
    "973": (("Cayenne", "97300"), ("Kourou", "97310")),
    "974": (("Saint-Denis", "97400"), ("Saint-Pierre", "97410")),
    "976": (("Mamoudzou", "97600"), ("Dzaoudzi", "97615")),
}

STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "place de la Mairie",
    "rue du Général de Gaulle",
    "avenue de la Gare",
    "rue des Écoles",
    "allée des Tilleuls",
    "rue Jules Ferry",
    "boulevard Gambetta",
    "rue de l'Hôpital",
)
