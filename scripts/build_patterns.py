"""Write the rule pipeline's pattern files under ``configs/patterns/``.

The patterns are built from general English lexicons (institution head nouns,
number words, demonyms, victim nouns, evaluative cues) so they carry over to
countries and years the corpus does not hold. Only ``org_gazetteer.jsonl`` is
learned from text: names defined with an acronym (``Ministry of Interior (MOI)``)
in corpus passages of *train* countries only (``annotations/splits.json``), so
neither dev nor test countries leak into the rules.

    python scripts/build_patterns.py    # rewrites configs/patterns/*.jsonl
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimnlp.pipeline.tokenizer import tokenizer_only

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "configs" / "patterns"
CORPUS = ROOT / "data" / "corpus" / "tip_passages.jsonl"
SPLITS = ROOT / "annotations" / "splits.json"
# ISO 4217 codes, one list for the QUANTITY patterns and the claims' currency units
ISO_CODES: list[str] = json.loads((ROOT / "src" / "claimnlp" / "claims" / "data" / "statistics.json")
                                  .read_text(encoding="utf-8"))["iso_codes"]

# ---------------------------------------------------------------- ORG
ORG_HEADS = [
    "Ministry", "Police", "Unit", "Directorate", "Commission", "Office", "Prosecution", "Inspectorate", "Court",
    "Congress", "Council", "Committee", "Agency", "Bureau", "Department", "Authority", "Service", "Secretariat",
    "Institute", "Division", "Board", "Parliament", "Assembly", "Senate", "Tribunal", "Judiciary", "Constabulary",
    "Force", "Gendarmerie", "Guard", "Administration", "Center", "Centre", "Commissioner", "Ombudsman",
    "Organization", "Organisation", "Foundation", "Coalition", "Federation", "Association", "Cabinet", "Presidency",
    "Prosecutor", "Prosecutors", "Army", "Navy", "Command", "Corps", "Mission", "Fund", "Taskforce", "Ministries",
]
ORG_DESC_HEADS = [
    "ministry", "police", "unit", "directorate", "commission", "office", "inspectorate", "court", "congress",
    "council", "committee", "agency", "bureau", "department", "authority", "secretariat", "parliament", "judiciary",
    "gendarmerie", "constabulary", "ombudsman", "taskforce", "force", "service", "prosecution", "guard", "chamber",
]
ORG_SINGLE_HEADS = ["judiciary", "parliament", "cabinet", "congress", "senate", "ombudsman", "ministry", "committee",
                    "council", "commission", "directorate", "inspectorate", "secretariat"]
ACRONYM_STOPLIST = [
    "TIP", "NGO", "NGOs", "LGBTI", "LGBTQI", "LGBTQ", "LGBT", "HIV", "AIDS", "COVID", "SOP", "SOPs", "NRM", "NAP",
    "TVPA", "UAE", "USA", "US", "UK", "PRC", "DPRK", "DRC", "CAR", "ROK", "GDP", "ID", "IDs", "IDP", "IDPs", "CSE",
    "CSEC", "OCSE", "CSAM", "OSEC", "II", "III", "IV", "VI", "ICT", "SMS", "TV", "PDF", "USD", "EUR", "GBP", "AM",
    "PM", "TITP", "EPS", "SWP", "PTPA", "PPC", "KSA", "GCC", "OK", "SIM", "QR", "CEO", "PhD", "MOU", "MOUs", "MoU",
    "MoUs", "FY", "TIP Report", "SDG", "SDGs", "ISBN", "URL", "HTML", "NB", "CEMs", "CEM", "RETA", "LGBTQI+",
    "NPA", "NAPs", "SOGI", "ILO-C", "CFA", "FCFA", "UNHCR's", "GMT", "UTC", "UNSCR", "MSA", "TIER", "WATCH", "LIST",
    "FOR", "AND", "THE", "OF", "TO", "IN",
] + [c for c in ISO_CODES if c != "SOS"]  # "IDR 5 billion" is money; "SOS" is also SOS Children's Villages
ORG_DESC_MODS = [
    "national", "specialized", "specialised", "public", "labor", "labour", "federal", "state", "supreme", "high",
    "central", "special", "provincial", "municipal", "immigration", "border", "investigative", "criminal",
    "judicial", "prosecution", "prosecutor", "prosecutorial", "anti", "-", "trafficking", "anti-trafficking",
    "human", "police", "tourist", "tourism", "interior", "justice", "women", "protection", "welfare", "social",
    "migration", "general", "attorney", "interagency", "inter", "ministerial", "counter", "economic", "financial",
    "intelligence", "coast", "military", "defense", "defence", "health", "education", "foreign", "affairs",
    "consular", "employment", "manpower", "overseas", "family", "task", "steering", "coordinating", "coordination",
    "technical", "executive", "permanent", "parliamentary", "constitutional", "appeals", "district", "cybercrime",
    "child", "children", "gender", "victim", "victims", "witness", "crimes", "crime", "organized", "serious",
    "investigation", "investigations", "detective", "judicial", "prosecutor's", "prosecutor’s", "general's",
    "general’s", "in", "persons", "’s", "'s", "tip", "civil", "transnational", "lower", "upper", "standards",
    "inspection", "services", "workers",
]
NAME_CONNECTORS = ["of", "for", "on", "against"]
CONTINUATION_CONNECTORS = ["of", "for", "on", "against", "to", "and", "in", ",", "&"]
DETERMINERS = ["the", "a", "an", "this", "these", "that", "those", "its", "their", "his", "her", "our", "although",
               "however", "in", "during", "while", "when", "since", "after", "before"]
NOT_ORG_WORDS = ["government", "governments", "tier", "watch", "list", "report", "law", "act", "plan", "program",
                 "programme", "protocol", "decree", "code", "strategy", "policy", "convention", "database",
                 "publisher", "releases", "direct", "all", "private", "author", "title", "source"]
INTERNATIONAL_BODIES = [
    "IOM", "International Organization for Migration", "UNODC", "UN Office on Drugs and Crime",
    "United Nations Office on Drugs and Crime", "UNICEF", "ILO", "International Labor Organization",
    "International Labour Organization", "UNHCR", "UN High Commissioner for Refugees", "OSCE", "European Union",
    "EU", "INTERPOL", "Interpol", "Europol", "UN", "United Nations", "UNDP", "UNFPA", "UN Women", "USAID", "ECOWAS",
    "ASEAN", "African Union", "Council of Europe", "GRETA", "World Bank", "Red Cross",
    "International Committee of the Red Cross", "ICRC", "Salvation Army", "La Strada", "Caritas", "OHCHR", "FBI",
    "Department of State", "U.S. Department of State", "Frontex", "OAS", "SADC", "SAARC", "IACHR", "UNOCHA",
]

# ---------------------------------------------------------------- QUANTITY
NUMBER_WORDS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "zero",
]
SCALE_WORDS = ["hundred", "thousand", "million", "billion", "trillion"]
DIGITS = r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
BOUNDS = [
    ["more", "than"], ["at", "least"], ["over"], ["approximately"], ["about"], ["nearly"], ["almost"], ["up", "to"],
    ["fewer", "than"], ["less", "than"], ["an", "estimated"], ["estimated"], ["roughly"], ["around"], ["some"],
    ["upwards", "of"], ["in", "excess", "of"], ["no", "fewer", "than"], ["no", "less", "than"], ["close", "to"],
    ["at", "most"], ["under"], ["below"], ["exceeding"], ["no", "more", "than"], ["just", "under"], ["just", "over"],
    ["more", "than"], ["almost"],
]
CURRENCY_WORDS = [
    "dollars", "euros", "pounds", "soles", "pesos", "rupees", "taka", "naira", "shillings", "dinars", "dirhams",
    "riyals", "rials", "baht", "ringgit", "yuan", "won", "yen", "lira", "leu", "lei", "lek", "rand", "kwacha",
    "cedis", "francs", "usd", "eur", "gbp", "fcfa", "cfa", "manat", "riyal", "dinar", "som", "tenge", "lari",
    "dram", "drams", "hryvnia", "hryvnias", "rubles", "roubles", "kyat", "rupiah", "kip", "riel", "dong", "tugriks",
    "pula", "birr", "cedi", "dalasi", "leones", "kwanza", "ouguiya", "dirham", "reais", "real", "colones",
    "quetzales", "lempiras", "cordobas", "córdobas", "guaranies", "bolivianos", "dollar", "euro", "pound", "peso",
    "rupee", "ringgit", "shekels", "shekel", "nis", "zloty", "forint", "koruna", "kuna", "denars", "marks", "rand",
    "rial", "soles", "sol", "nuevos", "afghanis", "taka", "ngultrum", "baht", "somoni", "sum", "leke",
]
CURRENCY_QUALIFIERS = ["west", "central", "african", "cfa", "new", "taiwan", "hong", "kong", "us", "u.s.", "australian",
                       "qatari", "saudi", "canadian", "singapore", "jamaican", "namibian", "fijian", "bahamian",
                       "belize", "eastern", "caribbean", "barbados", "trinidad", "and", "tobago", "solomon", "islands",
                       "brunei", "guyana", "liberian", "zimbabwe", "zimbabwean", "emirati", "kuwaiti", "bahraini",
                       "omani", "jordanian", "iraqi", "egyptian", "tunisian", "libyan", "algerian", "moroccan",
                       "indian", "pakistani", "sri", "lankan", "nepali", "nepalese", "mauritian", "seychelles",
                       "malaysian", "indonesian", "philippine", "mexican", "colombian", "chilean", "argentine",
                       "dominican", "cuban", "uruguayan", "swiss", "danish", "swedish", "norwegian", "icelandic",
                       "czech", "hungarian", "polish", "turkish", "russian", "ukrainian", "israeli", "south",
                       "korean", "japanese", "chinese", "east", "caribbean"]
CURRENCY_SYMBOLS = ["$", "US$", "€", "£", "¥", "₹"]
# multipliers (guidelines Q8): "at least double their capacity", "more than fivefold"; the verbs "doubled" are not
MULTIPLIERS = ["double", "triple", "quadruple", "twice", "thrice"]
FOLD = r"^(?:two|three|four|five|six|seven|eight|nine|ten|\d+)-?fold$"
FRACTION_WORDS = ["half", "third", "thirds", "quarter", "quarters", "fifth", "fifths"]

# ---------------------------------------------------------------- POPULATION
STRONG_HEADS = ["victims", "victim", "survivors", "survivor", "girls", "girl", "boys", "boy", "children", "child",
                "adults", "adult", "women", "woman", "men", "man", "minors", "minor", "migrants", "migrant",
                "refugees", "refugee", "orphans", "juveniles"]
WEAK_HEADS = ["workers", "worker", "persons", "individuals", "people", "populations", "population", "laborers",
              "labourers", "youth", "soldiers", "beggars", "brides", "seekers", "nationals", "citizens",
              "fishermen", "domestics", "families", "students", "communities", "returnees", "groups", "minorities",
              "immigrants", "employees", "combatants", "males", "females", "caregivers"]
POP_MODS = [
    "potential", "suspected", "identified", "presumed", "possible", "alleged", "presumptive", "foreign", "child",
    "adult", "female", "male", "minor", "young", "unaccompanied", "accompanying", "vulnerable", "undocumented",
    "irregular", "trafficking", "sex", "labor", "labour", "forced", "trafficked", "transgender", "lgbti", "lgbtqi",
    "lgbtqi+", "lgbt", "gay", "disabled", "indigenous", "rural", "street", "domestic", "migrant", "stateless",
    "displaced", "internally", "homeless", "human", "girl", "boy", "women", "teenage", "adolescent", "underage",
    "unemployed", "impoverished", "poor", "marginalized", "ethnic", "minority", "religious", "orphaned",
    "refugee", "asylum", "-", "certified", "confirmed", "official", "registered", "former", "repatriated",
    "returning", "returned", "deported", "exploited", "seasonal", "contract", "low", "skilled", "low-skilled",
    "unskilled", "construction", "agricultural", "farm", "factory", "garment", "fishing", "sex-trafficking",
    "labor-trafficking", "afro", "descendant", "afro-descendant", "tribal", "local", "overseas", "guest",
    "unidentified", "national", "at", "risk", "at-risk", "smuggled", "economic", "incarcerated", "conflict",
    "north", "south", "previously", "officially", "newly", "non", "elderly", "pregnant", "female-headed",
]
WEAK_HEAD_MODS = ["migrant", "foreign", "domestic", "vulnerable", "trafficked", "undocumented", "irregular",
                  "displaced", "stateless", "seasonal", "contract", "low", "skilled", "unskilled", "construction",
                  "agricultural", "farm", "factory", "garment", "fishing", "child", "refugee", "asylum", "street",
                  "indigenous", "marginalized", "guest", "overseas", "exploited", "-", "sex", "low-skilled",
                  "young", "ethnic", "at-risk", "risk", "smuggled", "economic", "incarcerated", "displaced",
                  "former", "conflict", "male", "female", "adult", "minority"]
POST_OF_MODS = ["human", "sex", "labor", "labour", "forced", "domestic", "debt", "sexual", "child", "commercial",
                "organ", "transnational", "internal", "cross", "-", "border", "cross-border"]
POST_HEADS = ["trafficking", "labor", "labour", "servitude", "exploitation", "begging", "bondage", "marriage",
              "slavery", "criminality", "prostitution"]
DEMONYMS = ["Afghan", "Albanian", "Algerian", "American", "Andorran", "Angolan", "Antiguan", "Argentine", "Argentinian", "Armenian", "Australian", "Austrian", "Azerbaijani", "Bahamian", "Bahraini", "Bangladeshi", "Barbadian", "Belarusian", "Belgian", "Belizean", "Beninese", "Bhutanese", "Bolivian", "Bosnian", "Botswanan", "Brazilian", "British", "Bruneian", "Bulgarian", "Burkinabe", "Burmese", "Burundian", "Cambodian", "Cameroonian", "Canadian", "Cape", "Verdean", "Central", "African", "Chadian", "Chilean", "Chinese", "Colombian", "Comoran", "Congolese", "Costa", "Rican", "Croatian", "Cuban", "Cypriot", "Czech", "Danish", "Djiboutian", "Dominican", "Dutch", "Ecuadorian", "Egyptian", "Emirati", "Equatoguinean", "Eritrean", "Estonian", "Eswatini", "Ethiopian", "Fijian", "Filipino", "Filipina", "Finnish", "French", "Gabonese", "Gambian", "Georgian", "German", "Ghanaian", "Greek", "Grenadian", "Guatemalan", "Guinean", "Guyanese", "Haitian", "Honduran", "Hungarian", "Icelandic", "Indian", "Indonesian", "Iranian", "Iraqi", "Irish", "Israeli", "Italian", "Ivorian", "Jamaican", "Japanese", "Jordanian", "Kazakh", "Kazakhstani", "Kenyan", "Kiribati", "Korean", "Kosovar", "Kuwaiti", "Kyrgyz", "Lao", "Laotian", "Latvian", "Lebanese", "Basotho", "Liberian", "Libyan", "Lithuanian", "Luxembourgish", "Macedonian", "Malagasy", "Malawian", "Malaysian", "Maldivian", "Malian", "Maltese", "Marshallese", "Mauritanian", "Mauritian", "Mexican", "Micronesian", "Moldovan", "Mongolian", "Montenegrin", "Moroccan", "Mozambican", "Namibian", "Nauruan", "Nepali", "Nepalese", "Nicaraguan", "Nigerien", "Nigerian", "Norwegian", "Omani", "Pakistani", "Palauan", "Palestinian", "Panamanian", "Papua", "Paraguayan", "Peruvian", "Polish", "Portuguese", "Qatari", "Romanian", "Russian", "Rwandan", "Samoan", "Saudi", "Senegalese", "Serbian", "Seychellois", "Sierra", "Leonean", "Singaporean", "Slovak", "Slovenian", "Somali", "South", "African", "Spanish", "Sri", "Lankan", "Sudanese", "Surinamese", "Swazi", "Swedish", "Swiss", "Syrian", "Taiwanese", "Tajik", "Tanzanian", "Thai", "Timorese", "Togolese", "Tongan", "Trinidadian", "Tunisian", "Turkish", "Turkmen", "Tuvaluan", "Ugandan", "Ukrainian", "Uruguayan", "Uzbek", "Vanuatuan", "Venezuelan", "Vietnamese", "Yemeni", "Zambian", "Zimbabwean", "Rohingya", "Roma", "Romani", "Uyghur", "Uighur", "Kurdish", "Yezidi", "Yazidi", "Bedouin", "Tamil", "Karen", "Hmong", "Vietnamese-origin", "Central-American", "African", "Asian", "European", "Latin", "Arab", "Caribbean", "Balkan"]

# ---------------------------------------------------------------- ASSESSMENT
NEG_AUX = ["did", "does", "do", "has", "have", "had", "could", "would", "will", "can"]
ADVS = ["not", "n't", "fully", "wholly", "adequately", "effectively", "consistently", "always", "often", "still",
        "generally", "systematically", "proactively", "sufficiently", "yet", "significantly", "also", "largely",
        "severely", "seriously", "reportedly", "further", "substantially", "considerably", "notably", "overall",
        "again", "frequently", "sometimes", "routinely", "never", "only", "consistently", "meaningfully",
        "slightly", "marginally", "dramatically", "sharply", "greatly", "modestly", "somewhat", "increasingly"]
PRE_ADVS = ["often", "still", "also", "reportedly", "generally", "frequently", "sometimes", "routinely",
            "consistently", "again", "further", "notably", "significantly", "slightly", "considerably",
            "substantially", "largely", "previously", "repeatedly", "similarly", "overall"]
EVAL_NEG = ["inadequate", "insufficient", "limited", "weak", "poor", "lacking", "uneven", "unclear", "ineffective",
            "inconsistent", "minimal", "low", "slow", "lax", "deficient", "underfunded", "understaffed",
            "unavailable", "inaccessible", "negligible", "modest", "incomplete", "rare", "sporadic", "lacked", "harsh",
            "overcrowded"]
EVAL_POS = ["robust", "strong", "adequate", "effective", "sufficient", "good", "comprehensive", "successful",
            "proactive", "improved", "well-functioning", "stringent", "commensurate"]
EFFORT_ADJ_NEG = ["minimal", "modest", "limited", "inadequate", "insufficient", "negligible", "weak", "uneven"]
EFFORT_ADJ_POS = ["serious", "sustained", "significant", "increasing", "notable", "key", "strong", "concerted",
                  "meaningful"]
# "lacked sufficient resources | to effectively investigate": what the missing means were for is not the verdict
LACK_PURPOSE = ["to", "necessary", "needed", "required"]
# the advancement verdicts of the Labor Department's child-labor findings (guidelines rules 80-81)
ADVANCEMENT = {"positive": ["significant", "moderate"], "neutral": ["minimal"], "negative": ["no"]}
BE = ["was", "were", "is", "are", "remained", "remain", "remains", "been", "be", "seemed", "appeared", "became"]
MANNER_NEG = ["unevenly", "inconsistently", "poorly", "inadequately", "insufficiently", "ineffectively", "rarely",
              "seldom"]
EFFORT_OBJ = ["efforts", "effort", "capacity", "funding", "budget", "resources", "support", "cooperation",
              "coordination", "allocation", "allocations", "investigations", "prosecutions", "convictions",
              "number", "law", "enforcement", "protection", "prevention", "prosecution", "oversight", "ability",
              "engagement", "awareness", "collaboration", "training", "trainings", "services", "assistance",
              "campaigns", "identification", "referrals", "inspections", "penalties", "partnerships"]
CHANGE_POS_ING = ["increasing", "improving", "strengthening", "expanding", "enhancing", "doubling", "boosting"]
RESULT_VERBS_ING = ["prosecuting", "convicting", "identifying", "investigating", "initiating", "sentencing",
                    "referring", "assisting", "arresting", "obtaining", "training", "inspecting", "reporting"]
CHANGE_POS = ["increased", "improved", "strengthened", "expanded", "enhanced", "doubled", "tripled", "boosted",
              "bolstered"]
CHANGE_NEG = ["decreased", "reduced", "cut", "weakened", "declined", "diminished", "curtailed", "halted",
              "suspended", "scaled"]
POSSESSIVE_OPT = {"LOWER": {"IN": ["its", "their", "the", "overall", "his", "her"]}, "OP": "?"}
RESULT_VERBS = ["prosecuted", "convicted", "identified", "investigated", "initiated", "sentenced", "reported",
                "referred", "assisted", "arrested", "obtained", "achieved", "trained", "inspected"]


def tok_in(words: list[str], op: str | None = None, attr: str = "LOWER") -> dict:
    d: dict = {attr: {"IN": words}}
    if op:
        d["OP"] = op
    return d


def org_patterns() -> list[dict]:
    name_tok = {"TEXT": {"REGEX": r"^(?:[A-Z][\w’'.]*|-|&)$"}, "LOWER": {"NOT_IN": DETERMINERS + NOT_ORG_WORDS}}
    cont_tok = {"TEXT": {"REGEX": r"^(?:[A-Z][\w’'.]*|-|&)$"},
                "LOWER": {"NOT_IN": DETERMINERS + ["ministry", "department", "government", "publisher"]}}
    # a later group of a name ("Ministry of Women, Families, and Children") starts with a word, not an acronym or
    # a new head: "Ministry of Education, MOSD, MOL" and "Ministry of Interior, National Police" are lists of names
    group_start = {"TEXT": {"REGEX": r"^[A-Z][a-z][\w’'.]*$", "NOT_IN": ORG_HEADS},
                   "LOWER": {"NOT_IN": DETERMINERS + ["ministry", "department", "government", "publisher"]}}
    head = tok_in(ORG_HEADS, attr="TEXT")
    pats = [[{**name_tok, "OP": "+"}, head]]
    for extra_groups in range(0, 6):
        p = [{**name_tok, "OP": "*"}, head, tok_in(NAME_CONNECTORS), {"LOWER": "the", "OP": "?"},
             {**cont_tok, "OP": "+"}]
        for _ in range(extra_groups):
            p += [tok_in(CONTINUATION_CONNECTORS, "{1,2}"), {"LOWER": "the", "OP": "?"}, group_start,
                  {**cont_tok, "OP": "*"}]
        pats.append(p)
    pats.append([tok_in(ORG_DESC_MODS, "+"), tok_in(ORG_DESC_HEADS)])
    pats.append([tok_in(ORG_SINGLE_HEADS)])
    pats.append([{"TEXT": {"REGEX": r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z&]{1,9}$", "NOT_IN": ACRONYM_STOPLIST}}])
    pats.append([{"LOWER": "task"}, {"LOWER": "force"}])
    out = [{"label": "ORG", "pattern": p, "id": "org-name"} for p in pats]
    out += [{"label": "ORG", "pattern": name, "id": "org-international"} for name in INTERNATIONAL_BODIES]
    return out


def gazetteer_patterns() -> list[dict]:
    """Names defined with an acronym in train-country passages; the acronym is kept too."""
    splits = json.loads(SPLITS.read_text(encoding="utf-8"))
    train_countries = set(splits["countries"]["train"])
    rx = re.compile(r"((?:[A-Z][\w'’-]*\s+)(?:(?:[A-Z][\w'’-]*|of|and|for|the|on|against|to)\s+)*)\(([A-Z][A-Za-z]*[A-Z]+)\)")
    heads = set(ORG_HEADS)
    names: set[str] = set()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["country"] not in train_countries:
            continue
        for m in rx.finditer(row["text"]):
            name = m.group(1).split("\n")[-1].strip()
            name = re.sub(r"^(?:(?:The|Although|However|In|While|When|Its|Their|According\s+to)\s+(?:the\s+)?)+", "",
                          name)
            name = re.split(r"[’']s\s+", name)[-1]
            name = re.sub(r"[’']s$", "", name).strip()
            words = name.split()
            if len(words) < 2 or not heads & set(re.split(r"[\s-]+", name)) or words[0] in ("of", "and", "the"):
                continue  # a bare head ("the Office (OHRRNM)") would make every "Office" an ORG
            names.add(name)
            if m.group(2) not in ACRONYM_STOPLIST:
                names.add(m.group(2))
    return [{"label": "ORG", "pattern": n, "id": "org-gazetteer"} for n in sorted(names)]


def factor_sequences(seqs: list[list[str]]) -> list[list[list[str]]]:
    """The same word sequences as few position-wise word sets: two groups that differ in one position merge.

    A group stands for the product of its sets, so merging two that differ in one position adds
    no sequence and drops none. Fewer token patterns make the Matcher faster (it tries each
    pattern at every token), with identical matches.
    """
    groups = [[[w] for w in seq] for seq in dict.fromkeys(map(tuple, seqs))]
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(groups):
            for j in range(i + 1, len(groups)):
                b = groups[j]
                differ = [k for k in range(len(a)) if a[k] != b[k]] if len(a) == len(b) else []
                if len(differ) == 1:
                    k = differ[0]
                    a[k] = sorted(set(a[k]) | set(b[k]))
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return groups


def quantity_patterns() -> list[dict]:
    digits = {"TEXT": {"REGEX": DIGITS}}
    words = [tok_in(NUMBER_WORDS), tok_in(NUMBER_WORDS + ["and", "-"], "*"), tok_in(NUMBER_WORDS)]
    cores = [[digits], [tok_in(NUMBER_WORDS)], words]
    scale = tok_in(SCALE_WORDS, "?")
    currency_words = [tok_in(CURRENCY_QUALIFIERS, "{0,3}"), tok_in(CURRENCY_WORDS)]
    symbol = tok_in(CURRENCY_SYMBOLS, "?", attr="TEXT")
    pats = []
    for core in cores:
        base = core + [scale]
        pats += [base, base + [tok_in(["percent", "%"], attr="LOWER")], base + currency_words]
        pats.append([tok_in(CURRENCY_SYMBOLS, attr="TEXT")] + base)
        pats.append([tok_in(["usd", "eur", "gbp"])] + base)
        pats.append([tok_in(ISO_CODES, attr="TEXT")] + base)
        for b in factor_sequences(BOUNDS):
            bound = [{"LOWER": ws[0]} if len(ws) == 1 else tok_in(ws) for ws in b]
            pats += [bound + base, bound + base + [tok_in(["percent", "%"])], bound + base + currency_words,
                     bound + [tok_in(CURRENCY_SYMBOLS, attr="TEXT")] + base]
    # a range never starts at a year: "from $2.1 million in 2017 to $10.2 million" keeps its second figure
    num = [{"TEXT": {"REGEX": "(?!^(?:19|20)\\d\\d$)(?:" + DIGITS + "|^(?:" + "|".join(NUMBER_WORDS) + ")$)"}}]
    # "ranged from five to 20": the span is "five to 20" (guidelines Q3), so "from" never leads a range
    for lead in ([], [tok_in(["estimated", "approximately", "between"])], [{"LOWER": "an"}, {"LOWER": "estimated"}]):
        # "two or three" is one figure with alternatives (guidelines N8, value null), like a range
        rng = lead + [symbol] + num + [scale, tok_in(["to", "-", "–", "and", "or"]), symbol] + num + [scale]
        pats += [rng, rng + [tok_in(["percent", "%"])], rng + currency_words]
    pats.append([{"LOWER": "more"}, {"LOWER": "than"}, tok_in(["double", "twice", "triple", "doubled", "tripled"])])
    fold = {"LOWER": {"REGEX": FOLD}}
    pats.append([fold])
    for b in factor_sequences(BOUNDS):
        bound = [{"LOWER": ws[0]} if len(ws) == 1 else tok_in(ws) for ws in b]
        pats += [bound + [tok_in(MULTIPLIERS)], bound + [fold]]
    pats.append([{"LOWER": {"IN": ["twice", "thrice"]}}])
    pats.append([tok_in(["one", "two", "three", "a"]), {"TEXT": "-", "OP": "?"}, tok_in(FRACTION_WORDS)])
    pats.append([tok_in(["almost", "nearly", "about", "approximately", "more", "over", "roughly"], "?"),
                 {"LOWER": "than", "OP": "?"}, {"LOWER": "half"}])
    return [{"label": "QUANTITY", "pattern": p, "id": "quantity"} for p in pats]


def population_patterns() -> list[dict]:
    demonym = [{"TEXT": {"IN": ["North", "South", "East", "West", "Central", "Latin"]}, "OP": "?"},
               {"TEXT": {"IN": DEMONYMS}}]
    mods_any = [{"LOWER": {"IN": POP_MODS}, "OP": "*"}]
    coordinated = [{"LOWER": {"IN": POP_MODS}, "OP": "+"}, tok_in(["and", "or"]), {"LOWER": {"IN": POP_MODS}, "OP": "*"}]
    post = [{"LOWER": "of"}, tok_in(["all", "unspecified", "other", "multiple", "various", "both"], "?"),
            {"LOWER": "forms", "OP": "?"}, {"LOWER": "of", "OP": "?"}, tok_in(POST_OF_MODS, "*"), tok_in(POST_HEADS)]
    post_coord = post + [tok_in(["and", "or"]), tok_in(POST_OF_MODS, "*"), tok_in(POST_HEADS)]
    pats = []
    for lead in ([], demonym, demonym + [{"LOWER": "and"}] + demonym):
        for mods in (mods_any, coordinated):
            pats.append(lead + mods + [tok_in(STRONG_HEADS)])
            pats.append(lead + mods + [tok_in(WEAK_HEAD_MODS)] + [tok_in(WEAK_HEADS)])
            for tail in (post, post_coord):
                pats.append(lead + mods + [tok_in(["victims", "victim", "survivors", "survivor"])] + tail)
    pats.append(demonym + [tok_in(WEAK_HEADS)])
    pats.append(demonym[:1] + [{"TEXT": {"REGEX": "^[A-Z][a-z]+(?:ans|ians|ese|is|ites)$"}}])  # North Koreans
    pats.append([{"LOWER": "asylum"}, {"TEXT": "-"}, {"LOWER": "seekers"}])
    return [{"label": "POPULATION", "pattern": p, "id": "population"} for p in pats]


def assessment_patterns() -> list[dict]:
    adv = tok_in(ADVS, "*")
    P = []

    def add(polarity: str, pattern: list[dict], cue: str, start: int = 0, not_after: list[str] | None = None,
            stop_at: list[str] | None = None) -> None:
        row = {"label": "ASSESSMENT", "polarity": polarity, "id": cue, "start": start, "pattern": pattern}
        if not_after:
            row["not_after"] = not_after
        if stop_at:
            row["stop_at"] = stop_at
        P.append(row)

    pre = tok_in(PRE_ADVS, "*")
    add("negative", [pre, tok_in(NEG_AUX), tok_in(["not", "n't", "never"]), adv, {"IS_ALPHA": True}], "failure")
    add("negative", [tok_in(BE), {"LOWER": "neither"}], "failure")
    add("negative", [tok_in(["failed", "fails", "fail", "failing"]), {"LOWER": "to"}], "failure")
    add("negative", [adv, tok_in(["lacked", "lacks", "lack"]), {"IS_ALPHA": True}], "lack",
        not_after=["the", "a", "an", "of", "to", "despite", "due", "general", "overall", "widespread", "’s", "'s",
                   "their", "its", "citing", "by", "any", "with", "public", "official", "continued", "serious"],
        stop_at=LACK_PURPOSE)
    add("negative", [tok_in(["reported", "noted", "cited", "faced"]), {"LOWER": "a", "OP": "?"},
                     tok_in(["shortage", "lack", "dearth"])], "lack")
    add("negative", [tok_in(BE), adv, tok_in(EVAL_NEG)], "evaluative")
    add("positive", [tok_in(BE), adv, tok_in(EVAL_POS)], "evaluative")
    add("negative", [tok_in(BE), adv, tok_in(["not"]), adv, tok_in(EVAL_POS)], "evaluative")
    add("negative", [tok_in(BE), adv, tok_in(MANNER_NEG), {"IS_ALPHA": True}], "manner")
    add("negative", [tok_in(BE), adv, {"LOWER": "denied"}], "failure")
    add("positive", [adv, tok_in(CHANGE_POS), POSSESSIVE_OPT, {"IS_ALPHA": True, "OP": "{0,3}"}, tok_in(EFFORT_OBJ)],
        "change")
    add("negative", [adv, tok_in(CHANGE_NEG), POSSESSIVE_OPT, {"IS_ALPHA": True, "OP": "{0,3}"}, tok_in(EFFORT_OBJ)],
        "change")
    add("positive", [tok_in(CHANGE_POS_ING), POSSESSIVE_OPT, {"IS_ALPHA": True, "OP": "{0,3}"}, tok_in(EFFORT_OBJ)],
        "change")
    add("positive", [tok_in(RESULT_VERBS), {"LOWER": "more"}], "results")
    add("positive", [tok_in(RESULT_VERBS_ING), {"LOWER": "and", "OP": "?"}, tok_in(RESULT_VERBS_ING, "?"),
                     {"LOWER": "more"}], "results")
    add("positive", [tok_in(RESULT_VERBS), {"LOWER": "and", "OP": "?"}, tok_in(RESULT_VERBS, "?"),
                     {"LOWER": "more"}], "results")
    add("negative", [{"LOWER": "continued", "OP": "?"}, {"LOWER": "to", "OP": "?"},
                     tok_in(["made", "make", "reported", "demonstrated", "demonstrate", "showed"]),
                     tok_in(EFFORT_ADJ_NEG), tok_in(["efforts", "effort", "progress"])], "effort")
    add("positive", [{"LOWER": "continued", "OP": "?"}, {"LOWER": "to", "OP": "?"},
                     tok_in(["made", "make", "demonstrated", "demonstrate", "showed", "achieved"]),
                     tok_in(EFFORT_ADJ_POS), {"LOWER": "and", "OP": "?"}, tok_in(EFFORT_ADJ_POS, "?"),
                     tok_in(["efforts", "effort", "progress", "achievements"])], "effort")
    add("negative", [tok_in(["remained", "remains", "was", "were", "is", "are"]), tok_in(["a", "an"]),
                     tok_in(["serious", "significant", "major", "persistent", "key"], "?"),
                     tok_in(["problem", "concern", "challenge", "impediment", "gap"])], "evaluative")
    add("negative", [{"LOWER": "continued"}, {"LOWER": "to"}, tok_in(["drop", "decline", "decrease", "fall"])],
        "change")
    add("negative", [tok_in(RESULT_VERBS), tok_in(["fewer", "less"])], "results")
    add("neutral", [{"LOWER": "maintained"}, POSSESSIVE_OPT, {"IS_ALPHA": True, "OP": "{0,4}"},
                    tok_in(["efforts", "effort"])], "effort")
    add("negative", [{"LOWER": "maintained"}, POSSESSIVE_OPT, tok_in(["minimal", "inadequate", "insufficient",
                                                                        "limited", "weak"])], "effort")
    add("positive", [tok_in(["demonstrated", "made", "showed"]), tok_in(["overall", "significant", "increasing",
                                                                          "serious", "some", "notable"], "+"),
                     {"IS_ALPHA": True, "OP": "{0,2}"}, tok_in(["efforts", "effort", "progress"])], "effort")
    add("positive", [tok_in(["is", "was"]), {"LOWER": "making"}, tok_in(["significant", "increasing"]),
                     {"LOWER": "efforts"}], "minimum-standards")
    add("negative", [tok_in(["is", "was"]), {"LOWER": "not"}, {"LOWER": "making"}], "minimum-standards")
    add("positive", [{"LOWER": "fully", "OP": "?"}, tok_in(["meets", "met", "meet", "complies", "comply"]),
                     {"LOWER": "with", "OP": "?"}, {"LOWER": "the"}, {"LOWER": "minimum"}], "minimum-standards")
    for polarity, levels in ADVANCEMENT.items():
        add(polarity, [tok_in(["made", "make", "making"]), tok_in(["a", "only"], "*"), tok_in(levels),
                       {"LOWER": "advancement"}], "advancement")
        add(polarity, [tok_in(["is", "was", "been"]), {"LOWER": "assessed"}, {"LOWER": "as"}, {"LOWER": "having"},
                       {"LOWER": "made"}, tok_in(["a", "only"], "*"), tok_in(levels), {"LOWER": "advancement"}],
            "advancement")
    add("neutral", [tok_in(["remained", "remains", "remain"]), {"LOWER": "on"}, {"LOWER": "tier"}], "tier")
    add("negative", [tok_in(["was", "is", "been"]), {"LOWER": "downgraded"}], "tier")
    add("positive", [tok_in(["was", "is", "been"]), {"LOWER": "upgraded"}], "tier")
    add("negative", [{"LOWER": "there"}, tok_in(["was", "were", "is", "are", "remained"]), tok_in(["no", "not"])],
        "absence")
    add("negative", [{"LOWER": "no", "IS_SENT_START": True}, {"IS_ALPHA": True}], "absence")
    add("negative", [tok_in(["but", ";", "and", "however", ","]), {"LOWER": "no"}, {"IS_ALPHA": True}], "absence", 1)
    add("negative", [{"LOWER": "it"}, tok_in(["was", "is", "remained", "remains"]), {"LOWER": "unclear"}], "unclear", 1)
    add("negative", [{"LOWER": {"IN": ["inadequate", "insufficient", "limited", "weak", "poor", "ineffective"]},
                      "IS_SENT_START": True}], "evaluative-subject")
    add("negative", [{"LOWER": "lack", "IS_SENT_START": True}, {"LOWER": "of"}], "evaluative-subject")
    return P


def as_token_patterns(rows: list[dict]) -> list[dict]:
    """Phrase (string) patterns as the ORTH token patterns they match, cut by claimnlp's tokenizer.

    spaCy 3.8's ``EntityRuler.from_bytes`` replaces its phrase matcher after adding the patterns, so a
    pipeline sent through ``to_bytes`` (``nlp.pipe(n_process=...)`` pickles it) would lose every phrase
    pattern; token patterns survive it and match exactly the same tokens.
    """
    nlp = tokenizer_only()
    return compact([{**r, "pattern": [{"ORTH": t.text} for t in nlp.make_doc(r["pattern"])]}
                    if isinstance(r["pattern"], str) else r for r in rows])


def compact(rows: list[dict]) -> list[dict]:
    """Word-list patterns (every token a plain ``ORTH``) of one label and id merged by ``factor_sequences``.

    The Matcher's time grows with the number of patterns; the merged ones match the same
    spans with the same label and id (``tests/test_pattern_factoring.py``).
    """
    words: dict[tuple, list[list[str]]] = {}
    out: list[dict] = []
    for r in rows:
        pat = r["pattern"]
        if isinstance(pat, list) and all(set(t) == {"ORTH"} and isinstance(t["ORTH"], str) for t in pat):
            key = (r["label"], r.get("id"))
            if key not in words:
                words[key] = []
                out.append({"label": r["label"], "pattern": key, "id": r.get("id")})
            words[key].append([t["ORTH"] for t in pat])
        else:
            out.append(r)
    merged: list[dict] = []
    for r in out:
        if isinstance(r["pattern"], tuple):
            merged += [{**r, "pattern": [{"ORTH": ws[0]} if len(ws) == 1 else {"ORTH": {"IN": ws}} for ws in g]}
                       for g in factor_sequences(words[r["pattern"]])]
        else:
            merged.append(r)
    return [{k: v for k, v in r.items() if v is not None} for r in merged]


def write(name: str, rows: list[dict]) -> None:
    rows = as_token_patterns(rows)
    path = OUT / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(rows)} patterns")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write("org.jsonl", org_patterns())
    write("org_gazetteer.jsonl", gazetteer_patterns())
    write("quantity.jsonl", quantity_patterns())
    write("population.jsonl", population_patterns())
    write("assessment.jsonl", assessment_patterns())


if __name__ == "__main__":
    main()
