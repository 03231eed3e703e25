"""A realistic ingredients catalogue for development, demos and tests.

Each product: (sku, name, unit, price, stock, description). Its measure (what one pack holds)
is read from the unit's text by measure_of; pack rules and price breaks are below.
"""

import re
from decimal import Decimal

CATEGORIES: dict[str, tuple[str, str]] = {
    "flours": ("Flours", "Milled wheat, rye, spelt and speciality flours."),
    "sugars": ("Sugars & syrups", "Granulated, caster, brown sugars, syrups and honey."),
    "dairy": ("Dairy", "Butter, milk powders, cream and cheeses for baking."),
    "oils-fats": ("Oils & fats", "Vegetable oils, shortenings and frying fats."),
    "spices": ("Spices & herbs", "Whole and ground spices, dried herbs and blends."),
    "leaveners": ("Yeasts & leaveners", "Fresh and dried yeasts, raising agents, improvers."),
    "malts-grains": ("Malts & grains", "Brewing malts, oats, seeds and whole grains."),
    "hops": ("Hops", "Pellet hops for brewing, bittering and aroma varieties."),
    "chocolate": ("Chocolate & cocoa", "Couverture, cocoa powders and nibs."),
    "fruit-nuts": ("Fruit & nuts", "Dried fruit, nuts and purées."),
    "salt-vinegar": ("Salt & vinegar", "Salts, vinegars and acids for sauces and brines."),
}

PRODUCTS: dict[str, list[tuple[str, str, str, str, int, str]]] = {
    "flours": [
        ("FLR-STRW-16", "Strong white bread flour", "16 kg sack", "14.20", 180, "12.5% protein, for tin loaves and rolls."),
        ("FLR-STRW-25", "Strong white bread flour", "25 kg sack", "21.40", 120, "12.5% protein, for tin loaves and rolls."),
        ("FLR-T55-25", "French T55 flour", "25 kg sack", "27.90", 60, "For baguettes and viennoiserie."),
        ("FLR-RYE-LT-25", "Light rye flour", "25 kg sack", "26.50", 45, "Sifted rye for mixed-grain breads."),
        ("FLR-RYE-DK-25", "Dark rye flour", "25 kg sack", "28.10", 30, "Wholemeal rye for sourdough and pumpernickel."),
        ("FLR-SPLT-16", "Wholegrain spelt flour", "16 kg sack", "24.75", 35, "Stoneground from English spelt."),
        ("FLR-WHML-25", "Stoneground wholemeal flour", "25 kg sack", "19.80", 90, "Whole wheat, medium grind."),
        ("FLR-PLN-16", "Plain soft flour", "16 kg sack", "12.60", 150, "Low protein, for cakes and pastry."),
        ("FLR-00-25", "Tipo 00 pizza flour", "25 kg sack", "29.50", 8, "For Neapolitan-style pizza bases."),
        ("FLR-SMLN-25", "Durum semolina", "25 kg sack", "31.20", 25, "Coarse semolina for pasta and dusting."),
    ],
    "sugars": [
        ("SUG-GRAN-25", "Granulated sugar", "25 kg sack", "23.90", 200, "Cane sugar, general purpose."),
        ("SUG-CAST-25", "Caster sugar", "25 kg sack", "26.40", 140, "Fine grain for sponges and meringues."),
        ("SUG-ICNG-15", "Icing sugar", "15 kg box", "19.10", 70, "With anti-caking agent."),
        ("SUG-DMRA-25", "Demerara sugar", "25 kg sack", "34.80", 40, "Golden crystals for toppings."),
        ("SUG-DKMU-25", "Dark muscovado sugar", "25 kg sack", "41.60", 22, "Unrefined, rich molasses flavour."),
        ("SUG-GLDN-7", "Golden syrup", "7.26 kg tub", "15.30", 55, "Partially inverted sugar syrup."),
        ("SUG-GLUC-7", "Liquid glucose", "7 kg tub", "17.90", 30, "For ganache, sorbets and confectionery."),
        ("SUG-HNY-6", "Blossom honey", "6 kg tub", "38.50", 12, "Set honey, EU and non-EU blend."),
        ("SUG-DEX-25", "Brewing dextrose", "25 kg sack", "39.00", 18, "Corn sugar for priming and gravity."),
    ],
    "dairy": [
        ("DRY-BUT-UNS-10", "Unsalted butter", "10 kg case (40 x 250 g)", "78.00", 40, "82% fat, chilled."),
        ("DRY-BUT-SHT-10", "Butter sheets for lamination", "10 kg case (5 x 2 kg)", "96.50", 15, "Plasticised for croissant dough."),
        ("DRY-SMP-25", "Skimmed milk powder", "25 kg sack", "88.40", 20, "Spray-dried, for enriched doughs."),
        ("DRY-WMP-25", "Whole milk powder", "25 kg sack", "104.00", 10, "26% fat."),
        ("DRY-CRM-DBL-6", "Double cream", "6 x 1 l", "21.60", 0, "48% fat, chilled."),
        ("DRY-CHED-5", "Mature cheddar, grated", "5 kg bag", "36.90", 25, "For savoury bakes."),
        ("DRY-EGG-PWD-5", "Whole egg powder", "5 kg bag", "54.20", 14, "Pasteurised, spray-dried."),
    ],
    "oils-fats": [
        ("OIL-RAP-20", "Rapeseed oil", "20 l drum", "34.50", 60, "Cold-filtered, high smoke point."),
        ("OIL-SUN-20", "Sunflower oil", "20 l drum", "36.80", 45, "Refined, neutral flavour."),
        ("OIL-OLV-EV-5", "Extra virgin olive oil", "5 l tin", "42.90", 30, "Spanish, for focaccia and dressings."),
        ("OIL-PLM-FREE-12", "Palm-free vegetable shortening", "12.5 kg box", "31.40", 24, "For pastry and frying."),
        ("OIL-COCO-10", "Refined coconut oil", "10 kg tub", "47.50", 9, "Odourless, for vegan bakes."),
        ("OIL-LARD-10", "Lard", "10 kg case", "28.70", 16, "Rendered pork fat, for hot-water crust."),
    ],
    "spices": [
        ("SPC-CIN-1", "Ground cinnamon (cassia)", "1 kg bag", "11.40", 50, "Strong, sweet cassia."),
        ("SPC-NUT-1", "Ground nutmeg", "1 kg bag", "24.60", 18, "Fresh-milled."),
        ("SPC-GIN-1", "Ground ginger", "1 kg bag", "9.80", 35, "For gingerbread and parkin."),
        ("SPC-MIX-1", "Mixed spice", "1 kg bag", "12.30", 40, "Cinnamon, coriander, nutmeg, ginger, clove."),
        ("SPC-PAP-SMK-1", "Smoked paprika", "1 kg bag", "14.90", 22, "Pimentón de la Vera, dulce."),
        ("SPC-CHL-FLK-1", "Chilli flakes", "1 kg bag", "13.20", 28, "Medium heat, for sauces."),
        ("SPC-PEP-BLK-1", "Black peppercorns", "1 kg bag", "18.70", 30, "Tellicherry, whole."),
        ("SPC-CAR-GRN-500", "Green cardamom pods", "500 g bag", "27.40", 6, "Whole, for buns and brewing."),
        ("SPC-VAN-POD-50", "Madagascar vanilla pods", "50 pods", "64.00", 4, "Bourbon vanilla, grade A."),
        ("SPC-CUM-1", "Cumin seeds", "1 kg bag", "10.60", 26, "Whole, for sauces and breads."),
    ],
    "leaveners": [
        ("LEV-YST-FRS-1", "Fresh yeast", "1 kg block", "3.90", 80, "Chilled, use within 3 weeks."),
        ("LEV-YST-DRY-500", "Instant dried yeast", "500 g pack", "4.60", 400, "Vacuum packed."),
        ("LEV-BP-5", "Baking powder", "5 kg tub", "16.80", 30, "Double acting."),
        ("LEV-BICARB-5", "Bicarbonate of soda", "5 kg tub", "9.40", 25, "Food grade."),
        ("LEV-ALE-US05-500", "American ale yeast (US-05 type)", "500 g pack", "58.00", 10, "Dry brewing yeast, clean profile."),
        ("LEV-IMPR-10", "Bread improver", "10 kg box", "32.10", 12, "With ascorbic acid and enzymes."),
    ],
    "malts-grains": [
        ("MLT-PALE-25", "Maris Otter pale ale malt", "25 kg sack", "38.90", 320, "Floor-malted, 5 EBC."),
        ("MLT-PILS-25", "Pilsner malt", "25 kg sack", "36.40", 240, "3.5 EBC, for lagers."),
        ("MLT-CRYS-25", "Crystal malt 150", "25 kg sack", "42.30", 20, "Caramel and toffee notes."),
        ("MLT-CHOC-25", "Chocolate malt", "25 kg sack", "44.70", 12, "For porters and stouts."),
        ("MLT-WHT-25", "Wheat malt", "25 kg sack", "39.60", 18, "For wheat beers and head retention."),
        ("GRN-OAT-RLD-25", "Rolled oats", "25 kg sack", "22.80", 48, "Jumbo flakes, for flapjacks and stouts."),
        ("GRN-SUNF-10", "Sunflower seeds", "10 kg sack", "19.90", 30, "Hulled, for seeded loaves."),
        ("GRN-LINS-10", "Golden linseed", "10 kg sack", "21.30", 22, "Whole seeds."),
        ("GRN-SES-10", "White sesame seeds", "10 kg sack", "34.20", 15, "Hulled."),
    ],
    "hops": [
        ("HOP-CASC-1", "Cascade hop pellets", "1 kg pack", "24.50", 40, "US aroma, 5.5-7% alpha."),
        ("HOP-CITRA-1", "Citra hop pellets", "1 kg pack", "39.80", 15, "US aroma, 11-13% alpha."),
        ("HOP-EKG-1", "East Kent Goldings pellets", "1 kg pack", "26.90", 22, "UK classic, 5% alpha."),
        ("HOP-MAG-1", "Magnum hop pellets", "1 kg pack", "21.70", 3, "Clean bittering, 13% alpha."),
        ("HOP-SAAZ-1", "Saaz hop pellets", "1 kg pack", "28.40", 9, "Noble aroma for pilsners."),
    ],
    "chocolate": [
        ("CHC-DRK-70-5", "Dark couverture 70%", "5 kg bag (callets)", "62.50", 28, "Single-origin blend."),
        ("CHC-MLK-35-5", "Milk couverture 35%", "5 kg bag (callets)", "58.90", 20, "Caramel notes."),
        ("CHC-WHT-30-5", "White couverture 30%", "5 kg bag (callets)", "61.20", 14, "Vanilla notes."),
        ("CHC-COC-ALK-5", "Cocoa powder, alkalised", "5 kg bag", "44.30", 17, "22-24% cocoa butter."),
        ("CHC-NIBS-1", "Cocoa nibs", "1 kg bag", "17.60", 11, "Roasted, for brewing and baking."),
    ],
    "fruit-nuts": [
        ("FRT-SULT-12", "Sultanas", "12.5 kg box", "41.20", 26, "Turkish, oil-coated."),
        ("FRT-PEEL-5", "Mixed candied peel", "5 kg tub", "23.40", 14, "Orange and lemon."),
        ("FRT-RASP-PUR-1", "Raspberry purée", "1 kg pack, frozen", "9.70", 0, "Seedless, 10% sugar."),
        ("NUT-ALM-GRD-5", "Ground almonds", "5 kg bag", "49.90", 19, "Blanched, for frangipane."),
        ("NUT-HAZ-RST-5", "Roasted hazelnuts", "5 kg bag", "57.30", 8, "Skinned, whole."),
        ("NUT-WAL-5", "Walnut halves", "5 kg box", "52.80", 10, "Light halves and pieces."),
        ("NUT-PNT-BTR-5", "Smooth peanut butter", "5 kg tub", "27.60", 16, "Roasted peanuts, no palm oil, for cookies and sauces."),
    ],
    "salt-vinegar": [
        ("SLT-SEA-FLK-5", "Sea salt flakes", "5 kg tub", "26.80", 20, "Pyramid flakes for finishing."),
        ("SLT-FINE-25", "Fine bakery salt", "25 kg sack", "11.90", 60, "Vacuum-dried, free-flowing."),
        ("VIN-CDR-20", "Cider vinegar", "20 l drum", "29.50", 15, "5% acidity."),
        ("VIN-MALT-20", "Malt vinegar", "20 l drum", "21.80", 18, "5% acidity, for pickles and sauces."),
        ("ACD-CIT-5", "Citric acid", "5 kg tub", "18.60", 12, "Food grade, anhydrous."),
    ],
}


# --- Companies: (name, VAT number, PO number required, email domain, addresses) -----------------
# Each gets an admin, a buyer and a viewer: <role>@<domain>, password demo-<role>-pass.
# An address: (label, lines, postcode, is_default).

SampleAddress = tuple[str, str, str, bool]

DEMO_COMPANY: tuple[str, str, list[SampleAddress]] = (
    "Millstone Demo Bakery",
    "GB100000001",
    [("Bakery", "12 Granary Row\nYork", "YO1 7HH", True)],
)

COMPANIES: list[tuple[str, str, bool, str, list[SampleAddress]]] = [
    (
        "Rye & Barley Bakery",
        "GB210000001",
        False,
        "bakery.example",
        [
            ("Bakehouse", "4 Mill Lane\nHebden Bridge", "HX7 8AD", True),
            ("High Street shop", "31 Market Street\nHebden Bridge", "HX7 6AA", False),
        ],
    ),
    (
        "Hopfield Brewing Co",
        "GB320000002",
        True,
        "brewery.example",
        [
            ("Brewhouse", "Unit 7, Canal Wharf\nLeeds", "LS11 5QN", True),
            ("Taproom", "2 Call Lane\nLeeds", "LS1 7DH", False),
        ],
    ),
    (
        "Fire & Vine Sauces",
        "",
        False,
        "sauces.example",
        [("Kitchen", "Arch 14, Druid Street\nLondon", "SE1 2HH", True)],
    ),
]
SAMPLE_ROLES = ["admin", "buyer", "viewer"]


# --- VAT: most food is zero-rated in the UK; HMRC's "excepted items" are standard-rated (20%) --
# Confectionery (chocolate sold as chocolate: the couvertures; cocoa powder and nibs are
# ingredients, 0%) and roasted or salted nuts other than in shells. Everything not listed: 0%.
VAT_RATES: dict[str, str] = {
    "CHC-DRK-70-5": "20.00",
    "CHC-MLK-35-5": "20.00",
    "CHC-WHT-30-5": "20.00",
    "NUT-HAZ-RST-5": "20.00",
}

# --- Contract prices: company name -> [(sku, price)]. The others buy at list prices. ----------
CONTRACT_PRICES: dict[str, list[tuple[str, str]]] = {
    "Millstone Demo Bakery": [
        ("FLR-STRW-25", "19.90"),
        ("FLR-RYE-DK-25", "25.90"),
        ("CHC-DRK-70-5", "57.50"),
    ],
    "Rye & Barley Bakery": [
        ("FLR-RYE-LT-25", "24.20"),
        ("FLR-RYE-DK-25", "25.60"),
        ("SUG-CAST-25", "24.50"),
    ],
    "Hopfield Brewing Co": [
        ("HOP-CITRA-1", "36.00"),
        ("HOP-CASC-1", "22.00"),
        ("SUG-DEX-25", "35.50"),
    ],
}


# --- Trade units -----------------------------------------------------------------------------
# What one pack holds, read from its unit ("25 kg sack": 25 kg; "500 g pack": 0.5 kg; "6 x 1 l":
# 6 l; "50 pods": 50 each). The first quantity named wins ("10 kg case (40 x 250 g)": 10 kg).

_MULTIPACK = re.compile(r"^(\d+)\s*x\s*(\d+(?:\.\d+)?)\s*(kg|g|l|ml)\b")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|g|l|ml)\b")
_COUNT = re.compile(r"^(\d+)\s+(pods|bottles|eggs|pieces)\b")
_BASE = {"kg": ("kg", Decimal(1)), "g": ("kg", Decimal("0.001")), "l": ("l", Decimal(1)),
         "ml": ("l", Decimal("0.001"))}


def measure_of(unit: str) -> tuple[Decimal, str] | None:
    """(amount, "kg" | "l" | "each") of a pack described as `unit`, or None."""
    if match := _MULTIPACK.match(unit):
        base, factor = _BASE[match.group(3)]
        return Decimal(match.group(1)) * Decimal(match.group(2)) * factor, base
    if match := _AMOUNT.search(unit):
        base, factor = _BASE[match.group(2)]
        return Decimal(match.group(1)) * factor, base
    if match := _COUNT.match(unit):
        return Decimal(match.group(1)), "each"
    return None


# Pack rules: sku -> (minimum order quantity, order multiple). Everything else: any quantity.
PACK_RULES: dict[str, tuple[int, int]] = {
    # Base malts go by the pallet layer: 8 sacks.
    "MLT-PALE-25": (8, 8),
    "MLT-PILS-25": (8, 8),
    # Dried yeast comes in cases of 20 packs.
    "LEV-YST-DRY-500": (20, 20),
    # Fresh yeast is chilled and delivered by the five blocks at least.
    "LEV-YST-FRS-1": (5, 1),
    # Brewing dextrose: two sacks at least.
    "SUG-DEX-25": (2, 1),
    # Drums of oil by two, a pallet's half-layer.
    "OIL-RAP-20": (2, 2),
    "OIL-SUN-20": (2, 2),
}

# Price breaks on the list price: sku -> [(from quantity, unit price)]. The list price is 1+.
PRICE_BREAKS: dict[str, list[tuple[int, str]]] = {
    "FLR-STRW-25": [(10, "20.60"), (40, "19.80")],
    "FLR-RYE-LT-25": [(20, "24.90")],
    "FLR-RYE-DK-25": [(20, "26.40")],
    "FLR-WHML-25": [(10, "19.10"), (40, "18.40")],
    "MLT-PALE-25": [(16, "37.50"), (40, "36.20")],
    "MLT-PILS-25": [(16, "35.20"), (40, "34.10")],
    "SUG-GRAN-25": [(10, "22.90"), (40, "21.60")],
    "SUG-CAST-25": [(10, "25.30")],
    "LEV-YST-DRY-500": [(40, "4.30"), (100, "4.05")],
    "OIL-RAP-20": [(6, "32.90")],
    "HOP-CASC-1": [(5, "23.20")],
    "CHC-DRK-70-5": [(4, "59.90")],
    "SLT-FINE-25": [(10, "11.20")],
}


# --- Allergens, dietary marks and origin: sku -> (allergen codes, dietary codes, origin) --------
# Codes: shop.allergens. As a supplier's specification sheets would declare them (a "may
# contain" is not a declaration and is left out). Products not listed declare nothing.
PRODUCT_LABELS: dict[str, tuple[list[str], list[str], str]] = {
    "FLR-STRW-16": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "FLR-STRW-25": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "FLR-T55-25": (["cereals_gluten"], ["vegan", "vegetarian"], "France"),
    "FLR-RYE-LT-25": (["cereals_gluten"], ["vegan", "vegetarian", "organic"], "Germany"),
    "FLR-RYE-DK-25": (["cereals_gluten"], ["vegan", "vegetarian", "organic"], "Germany"),
    "FLR-SPLT-16": (["cereals_gluten"], ["vegan", "vegetarian", "organic"], "England"),
    "FLR-WHML-25": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "FLR-PLN-16": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "FLR-00-25": (["cereals_gluten"], ["vegan", "vegetarian"], "Italy"),
    "FLR-SMLN-25": (["cereals_gluten"], ["vegan", "vegetarian", "halal", "kosher"], "Italy"),
    "SUG-GRAN-25": ([], ["vegan", "vegetarian", "halal", "kosher"], "Mauritius"),
    "SUG-CAST-25": ([], ["vegan", "vegetarian", "halal", "kosher"], "Mauritius"),
    "SUG-ICNG-15": ([], ["vegan", "vegetarian", "halal", "kosher"], "England"),
    "SUG-DMRA-25": ([], ["vegan", "vegetarian", "halal"], "Mauritius"),
    "SUG-DKMU-25": ([], ["vegan", "vegetarian", "organic"], "Mauritius"),
    "SUG-GLDN-7": ([], ["vegan", "vegetarian", "kosher"], "England"),
    "SUG-GLUC-7": (["sulphites"], ["vegan", "vegetarian"], "France"),
    "SUG-HNY-6": ([], ["vegetarian"], "EU and non-EU"),
    "SUG-DEX-25": ([], ["vegan", "vegetarian"], "France"),
    "DRY-BUT-UNS-10": (["milk"], ["vegetarian", "halal"], "Ireland"),
    "DRY-BUT-SHT-10": (["milk"], ["vegetarian"], "France"),
    "DRY-SMP-25": (["milk"], ["vegetarian", "halal", "kosher"], "Netherlands"),
    "DRY-WMP-25": (["milk"], ["vegetarian", "halal"], "Netherlands"),
    "DRY-CRM-DBL-6": (["milk"], ["vegetarian", "organic"], "England"),
    "DRY-CHED-5": (["milk"], ["vegetarian"], "England"),
    "DRY-EGG-PWD-5": (["eggs"], ["vegetarian"], "Netherlands"),
    "OIL-RAP-20": ([], ["vegan", "vegetarian", "halal", "kosher"], "England"),
    "OIL-SUN-20": ([], ["vegan", "vegetarian", "halal"], "Ukraine"),
    "OIL-OLV-EV-5": ([], ["vegan", "vegetarian", "organic"], "Spain"),
    "OIL-PLM-FREE-12": (["soya"], ["vegan", "vegetarian"], "Belgium"),
    "OIL-COCO-10": ([], ["vegan", "vegetarian", "organic"], "Sri Lanka"),
    "OIL-LARD-10": ([], [], "England"),
    "SPC-CIN-1": ([], ["vegan", "vegetarian"], "Indonesia"),
    "SPC-NUT-1": ([], ["vegan", "vegetarian"], "Grenada"),
    "SPC-GIN-1": ([], ["vegan", "vegetarian", "organic"], "India"),
    "SPC-MIX-1": (["celery", "mustard"], ["vegan", "vegetarian"], "England"),
    "SPC-PAP-SMK-1": ([], ["vegan", "vegetarian"], "Spain"),
    "SPC-CHL-FLK-1": ([], ["vegan", "vegetarian"], "India"),
    "SPC-PEP-BLK-1": ([], ["vegan", "vegetarian", "organic"], "India"),
    "SPC-CAR-GRN-500": ([], ["vegan", "vegetarian"], "Guatemala"),
    "SPC-VAN-POD-50": ([], ["vegan", "vegetarian"], "Madagascar"),
    "SPC-CUM-1": ([], ["vegan", "vegetarian", "halal"], "India"),
    "LEV-YST-FRS-1": ([], ["vegan", "vegetarian"], "England"),
    "LEV-YST-DRY-500": ([], ["vegan", "vegetarian", "halal", "kosher"], "France"),
    "LEV-BP-5": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "LEV-BICARB-5": ([], ["vegan", "vegetarian", "halal", "kosher"], "Germany"),
    "LEV-ALE-US05-500": ([], ["vegan", "vegetarian"], "France"),
    "LEV-IMPR-10": (["cereals_gluten", "soya"], ["vegan", "vegetarian"], "England"),
    "MLT-PALE-25": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "MLT-PILS-25": (["cereals_gluten"], ["vegan", "vegetarian"], "Germany"),
    "MLT-CRYS-25": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "MLT-CHOC-25": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "MLT-WHT-25": (["cereals_gluten"], ["vegan", "vegetarian"], "Germany"),
    "GRN-OAT-RLD-25": (["cereals_gluten"], ["vegan", "vegetarian", "organic"], "Scotland"),
    "GRN-SUNF-10": ([], ["vegan", "vegetarian"], "Bulgaria"),
    "GRN-LINS-10": ([], ["vegan", "vegetarian", "organic"], "Canada"),
    "GRN-SES-10": (["sesame"], ["vegan", "vegetarian", "halal", "kosher"], "Ethiopia"),
    "HOP-CASC-1": ([], ["vegan", "vegetarian"], "USA"),
    "HOP-CITRA-1": ([], ["vegan", "vegetarian"], "USA"),
    "HOP-EKG-1": ([], ["vegan", "vegetarian", "organic"], "England"),
    "HOP-MAG-1": ([], ["vegan", "vegetarian"], "Germany"),
    "HOP-SAAZ-1": ([], ["vegan", "vegetarian"], "Czech Republic"),
    "CHC-DRK-70-5": (["soya"], ["vegan", "vegetarian"], "Belgium"),
    "CHC-MLK-35-5": (["milk", "soya"], ["vegetarian"], "Belgium"),
    "CHC-WHT-30-5": (["milk", "soya"], ["vegetarian"], "Belgium"),
    "CHC-COC-ALK-5": ([], ["vegan", "vegetarian"], "Ivory Coast"),
    "CHC-NIBS-1": ([], ["vegan", "vegetarian", "organic"], "Peru"),
    "FRT-SULT-12": (["sulphites"], ["vegan", "vegetarian"], "Turkey"),
    "FRT-PEEL-5": (["sulphites"], ["vegan", "vegetarian"], "Italy"),
    "FRT-RASP-PUR-1": ([], ["vegan", "vegetarian"], "Serbia"),
    "NUT-ALM-GRD-5": (["tree_nuts"], ["vegan", "vegetarian", "kosher"], "Spain"),
    "NUT-HAZ-RST-5": (["tree_nuts"], ["vegan", "vegetarian"], "Turkey"),
    "NUT-WAL-5": (["tree_nuts"], ["vegan", "vegetarian"], "Chile"),
    "NUT-PNT-BTR-5": (["peanuts"], ["vegan", "vegetarian"], "Argentina"),
    "SLT-SEA-FLK-5": ([], ["vegan", "vegetarian", "halal", "kosher"], "England"),
    "SLT-FINE-25": ([], ["vegan", "vegetarian", "halal", "kosher"], "England"),
    "VIN-CDR-20": (["sulphites"], ["vegan", "vegetarian"], "England"),
    "VIN-MALT-20": (["cereals_gluten"], ["vegan", "vegetarian"], "England"),
    "ACD-CIT-5": ([], ["vegan", "vegetarian", "halal", "kosher"], "China"),
}


# --- Saved lists: company name -> [(list name, [(sku, quantity)])], made by the company's buyer.
SAVED_LISTS: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {
    "Millstone Demo Bakery": [
        (
            "Weekly bread order",
            [("FLR-STRW-25", 6), ("FLR-WHML-25", 2), ("LEV-YST-FRS-1", 8), ("SLT-FINE-25", 1)],
        ),
    ],
    "Rye & Barley Bakery": [
        (
            "Thursday bakery order",
            [
                ("FLR-STRW-25", 8), ("FLR-RYE-LT-25", 4), ("FLR-RYE-DK-25", 2),
                ("FLR-SPLT-16", 2), ("LEV-YST-FRS-1", 10), ("SLT-FINE-25", 1),
                ("GRN-SUNF-10", 1), ("GRN-LINS-10", 1), ("SUG-CAST-25", 2),
                ("DRY-BUT-UNS-10", 3),
            ],
        ),
        (
            "Christmas stollen",
            [
                ("FLR-PLN-16", 2), ("FRT-SULT-12", 2), ("FRT-PEEL-5", 1),
                ("NUT-ALM-GRD-5", 1), ("SPC-MIX-1", 1), ("SUG-ICNG-15", 1),
            ],
        ),
    ],
    "Hopfield Brewing Co": [
        (
            "Pale ale brew day",
            [
                ("MLT-PALE-25", 8), ("MLT-CRYS-25", 1), ("MLT-WHT-25", 1),
                ("HOP-CASC-1", 3), ("HOP-CITRA-1", 2), ("LEV-ALE-US05-500", 1),
            ],
        ),
    ],
    "Fire & Vine Sauces": [
        (
            "Hot sauce batch",
            [
                ("SPC-CHL-FLK-1", 4), ("SPC-PAP-SMK-1", 2), ("VIN-CDR-20", 2),
                ("SUG-DMRA-25", 1), ("SLT-SEA-FLK-5", 1), ("ACD-CIT-5", 1),
            ],
        ),
    ],
}
