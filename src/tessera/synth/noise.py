"""How an agency clerk writes what is true: the noise on names, dates, phones and documents.

Each agency records its own partial view of the simulated world, the way that agency would: a
Ukrainian name in Cyrillic or in one of the romanisations foreign officials use, family name
first or in capitals, a nickname, a typo, a birth date known only to the year, a phone number
in national or international form. The variation is the kind entity resolution meets in real
files, so the records can be linked again, with effort, and never by exact comparison alone.

Every function takes the caller's ``random.Random`` and draws nothing else: the same seed gives
the same records. Rates of 0 give the true value written plainly; a rate of 1 always applies
its noise. These run millions of times in a scenario, so per-name work is cached.

Curated here (everything else falls back to the standard's ``to_latin``):

- Cyrillic: four letter tables (Ukrainian KMU 2010, the official passport system; a
  Russian-style reading, BGN/PCGN-like; German-style after Duden; French-style), with the
  contextual rules each states (word-initial є ї й ю я, зг, intervocalic с).
- Arabic: spellings of about 200 common Moroccan given and family names, every one in the
  Moroccan pools of ``countries.COUNTRIES`` and in ``flat.NAMES`` included (Moroccan
  civil-register/French-style first, then English-style, then other attested spellings).
  Arabic script cannot be romanised from its letters alone (short vowels are unwritten); an
  unknown name gets ``to_latin``'s consonant skeleton.
- Han: pinyin comes from ``to_latin`` (anyascii's Unihan readings, toneless); the table only
  corrects the surnames whose surname reading differs from the character's usual one, and
  吕 (Lü), which passports write Lyu.
- Diminutives: a small table per country for common given names (see ``_NICKNAMES``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat

from tessera.standard.values import detect_script, to_latin


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """Per-field probabilities that a clerk's record differs from the truth in one way.

    ``phone_missing`` is read by the caller (``written_phone`` always writes the number); the
    others by the ``written_*`` function of their field.
    """

    latin: float = 0.5  # write a native-script name in Latin letters (vs own script)
    swap_order: float = 0.15  # the other name order: "Family Given", or "Given Family" for CJK/VN
    typo: float = 0.05  # one keyboard/OCR typo in a name
    nickname: float = 0.05  # a diminutive for the given name where one is known
    drop_given: float = 0.03  # family name only
    birth_partial: float = 0.3  # year only or year-month
    birth_wrong: float = 0.03  # day/month swapped or off by a year
    birth_missing: float = 0.2
    phone_missing: float = 0.3
    wrong_value: float = 0.01  # a plainly wrong value (e.g. a digit off in a document number)
    fold: float = 0.3  # a Latin-script name without its diacritics (Nguyễn→Nguyen, Müller→Mueller)
    upper_family: float = 0.25  # family name in capitals, the police and passport habit
    all_caps: float = 0.05  # the whole name in capitals, as copied from a passport's MRZ
    comma: float = 0.05  # "Family, Given", the register habit
    birth_local: float = 0.5  # a date written day first (DD.MM.YYYY, MM/YYYY) rather than ISO
    doc_format: float = 0.3  # a document number with a space, a dash or in lower case

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"rate {f.name}={value} is not a probability")

    @classmethod
    def none(cls) -> NoiseRates:
        """All rates 0: every value written plainly, as true."""
        return cls(**{f.name: 0.0 for f in dataclasses.fields(cls)})


def _hit(rng: random.Random, p: float) -> bool:
    # No draw for a rate of 0 or 1: a switched-off noise leaves the other draws where they were.
    return p >= 1.0 or (p > 0.0 and rng.random() < p)


# --- transliteration ------------------------------------------------------------------------

# Cyrillic letter -> (KMU 2010, Russian-style, German-style, French-style), lower case.
_CYR: dict[str, tuple[str, str, str, str]] = {
    "а": ("a", "a", "a", "a"), "б": ("b", "b", "b", "b"), "в": ("v", "v", "w", "v"),
    "г": ("h", "g", "g", "h"), "ґ": ("g", "g", "g", "g"), "д": ("d", "d", "d", "d"),
    "е": ("e", "e", "e", "e"), "є": ("ie", "ye", "je", "ie"), "ж": ("zh", "zh", "sch", "j"),
    "з": ("z", "z", "s", "z"), "и": ("y", "i", "y", "y"), "і": ("i", "i", "i", "i"),
    "ї": ("i", "yi", "ji", "ï"), "й": ("i", "y", "j", "y"), "к": ("k", "k", "k", "k"),
    "л": ("l", "l", "l", "l"), "м": ("m", "m", "m", "m"), "н": ("n", "n", "n", "n"),
    "о": ("o", "o", "o", "o"), "п": ("p", "p", "p", "p"), "р": ("r", "r", "r", "r"),
    "с": ("s", "s", "s", "s"), "т": ("t", "t", "t", "t"), "у": ("u", "u", "u", "ou"),
    "ф": ("f", "f", "f", "f"), "х": ("kh", "kh", "ch", "kh"), "ц": ("ts", "ts", "z", "ts"),
    "ч": ("ch", "ch", "tsch", "tch"), "ш": ("sh", "sh", "sch", "ch"),
    "щ": ("shch", "shch", "schtsch", "chtch"), "ь": ("", "", "", ""),
    "ю": ("iu", "yu", "ju", "iou"), "я": ("ia", "ya", "ja", "ia"),
    # Russian letters, for names spelt the Russian way
    "ё": ("io", "yo", "jo", "io"), "ы": ("y", "y", "y", "y"), "э": ("e", "e", "e", "e"),
    "ъ": ("ie", "", "", ""),
    "'": ("", "", "", ""), "’": ("", "", "", ""), "ʼ": ("", "", "", ""),
}
# KMU 2010 writes these differently at the start of a word.
_CYR_INITIAL: dict[str, str] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# French-style after і/и: the i is already written (Юлія → Ioulia, not Iouliia).
_CYR_FRENCH_AFTER_I: dict[str, str] = {"я": "a", "ю": "ou", "є": "e"}
# Russian spellings (RU, BY, KZ…): ICAO Doc 9303 reads г and и as the Russian letters.
_CYR_RUSSIAN: dict[str, tuple[str, str, str, str]] = {
    "г": ("g", "g", "g", "g"), "и": ("i", "i", "i", "i"), "е": ("e", "ye", "je", "e"),
}
_APOSTROPHES = frozenset("'’ʼ")
_CYR_VOWELS = frozenset("аеєиіїоуюяёыэ")
# Agencies of these countries favour the system at the same index.
_CYR_FAVOURED = ("UA", "RU BY MD KZ GE AM AZ", "DE AT CH LI", "FR BE LU MC")


def _cyrillic(text: str, system: int, ukrainian: bool) -> str:
    out: list[str] = []
    caps = sum(ch.isalpha() for ch in text) > 1 and text.isupper()
    prev = ""  # the previous letter of the word, lower case; "" at a word's start
    for i, ch in enumerate(text):
        lo = ch.lower()
        row = _CYR.get(lo)
        if row is None:
            out.append(to_latin(ch) if ch.isalpha() else ch)
            prev = ""
            continue
        if not ukrainian and lo in _CYR_RUSSIAN:
            row = _CYR_RUSSIAN[lo]
        latin = row[system]
        if not ukrainian and lo == "е" and prev:  # ye/je only at a word's start
            latin = "e"
        if ukrainian and system == 0 and not prev and lo in _CYR_INITIAL:
            latin = _CYR_INITIAL[lo]
        elif ukrainian and system == 0 and lo == "г" and prev == "з":
            latin = "gh"
        elif system == 3 and prev in ("і", "и") and lo in _CYR_FRENCH_AFTER_I:
            latin = _CYR_FRENCH_AFTER_I[lo]
        elif system == 3 and lo == "й" and prev == "и":  # -ський → -sky (Zelensky)
            latin = ""
        elif system == 3 and lo == "г" and prev == "з":
            latin = "gh"
        elif system in (2, 3) and lo == "с" and prev in _CYR_VOWELS:
            nxt = text[i + 1].lower() if i + 1 < len(text) else ""
            if nxt in _CYR_VOWELS:
                latin = "ss"
        if ch != lo and latin:
            latin = latin.upper() if caps else latin[0].upper() + latin[1:]
        out.append(latin)
        if lo not in _APOSTROPHES:  # an apostrophe (Мар'яна) keeps the word going
            prev = lo
    return "".join(out)


# Arabic given and family names -> (Moroccan civil-register/French-style, English-style, other
# attested spellings…). Curated by hand from Moroccan usage; covers every name in the MA pools
# of countries.COUNTRIES and in flat.NAMES.
_ARABIC: dict[str, tuple[str, ...]] = {
    # given names
    "محمد": ("Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mhamed"),
    "أحمد": ("Ahmed", "Ahmad"),
    "علي": ("Ali",),
    "يوسف": ("Youssef", "Yusuf", "Yousef", "Youssouf", "Youcef"),
    "أمين": ("Amine", "Amin", "Ameen"),
    "عبد الله": ("Abdellah", "Abdullah", "Abdallah", "Abdelah"),
    "عبدالله": ("Abdellah", "Abdullah", "Abdallah", "Abdelah"),
    "عبد الرحيم": ("Abderrahim", "Abdul Rahim", "Abdelrahim", "Abderahim"),
    "حسن": ("Hassan", "Hasan"),
    "سعيد": ("Said", "Saeed", "Saïd"),
    "كريم": ("Karim", "Kareem"),
    "رشيد": ("Rachid", "Rashid"),
    "ياسين": ("Yassine", "Yasin", "Yassin", "Yacine"),
    "إبراهيم": ("Brahim", "Ibrahim"),
    "عمر": ("Omar", "Umar"),
    "مصطفى": ("Mustapha", "Mustafa", "Moustapha", "Moustafa"),
    "خالد": ("Khalid", "Khaled"),
    "هشام": ("Hicham", "Hisham", "Hichem"),
    "إدريس": ("Driss", "Idris", "Idriss"),
    "حميد": ("Hamid", "Hameed"),
    "إلياس": ("Ilyass", "Ilyas", "Ilias"),
    "عبد الرحمن": ("Abderrahmane", "Abdul Rahman", "Abderrahman", "Abdelrahman"),
    "عبد العزيز": ("Abdelaziz", "Abdul Aziz", "Abdulaziz", "Abdelaaziz"),
    "عبد القادر": ("Abdelkader", "Abdul Qadir", "Abdelkadir", "Abdulkadir"),
    "عبد الكريم": ("Abdelkrim", "Abdul Karim", "Abdelkarim", "Abdulkarim"),
    "عبد اللطيف": ("Abdellatif", "Abdul Latif", "Abdelatif", "Abdullatif"),
    "عبد الحق": ("Abdelhak", "Abdul Haq", "Abdelhaq", "Abdulhaq"),
    "عبد الإله": ("Abdelilah", "Abdul Ilah", "Abdelillah", "Abdulilah"),
    "عبد الصمد": ("Abdessamad", "Abdul Samad", "Abdesamad", "Abdelsamad"),
    "عبد المجيد": ("Abdelmajid", "Abdul Majeed", "Abdelmadjid", "Abdulmajid"),
    "عبد السلام": ("Abdeslam", "Abdul Salam", "Abdessalam", "Abdelsalam"),
    "عبد الواحد": ("Abdelouahed", "Abdul Wahid", "Abdelwahed", "Abdelouahid"),
    "نور الدين": ("Noureddine", "Nur al-Din", "Nour Eddine", "Nourdine"),
    "صلاح الدين": ("Salaheddine", "Salah al-Din", "Salah Eddine", "Salahdine"),
    "حسين": ("Houcine", "Hussein", "Hussain", "Hocine", "Houssine"),
    "لحسن": ("Lahcen", "Lahsen", "Lahssen"),  # Moroccan form of al-Hasan
    "جمال": ("Jamal", "Gamal", "Djamal"),
    "عادل": ("Adil", "Adel"),
    "نبيل": ("Nabil", "Nabeel"),
    "طارق": ("Tarik", "Tariq", "Tarek"),
    "سفيان": ("Soufiane", "Sufyan", "Sofiane", "Soufyane"),
    "أيوب": ("Ayoub", "Ayyub", "Ayub"),
    "حمزة": ("Hamza", "Hamzah"),
    "أنس": ("Anass", "Anas"),
    "مهدي": ("Mehdi", "Mahdi"),
    "زكرياء": ("Zakaria", "Zakariya", "Zakariae", "Zakariyya"),
    "بلال": ("Bilal", "Belal", "Bilel"),
    "إسماعيل": ("Ismail", "Ismael", "Smail", "Ismaïl"),
    "عثمان": ("Othmane", "Uthman", "Othman", "Osman"),
    "منير": ("Mounir", "Munir", "Monir"),
    "توفيق": ("Taoufik", "Tawfiq", "Toufik", "Tawfik"),
    "عزيز": ("Aziz", "Azeez"),
    "محسن": ("Mohcine", "Muhsin", "Mohsine", "Mohsen"),
    "مراد": ("Mourad", "Murad", "Morad"),
    "فؤاد": ("Fouad", "Fuad", "Foad"),
    "نجيب": ("Najib", "Najeeb", "Nagib"),
    "بوشعيب": ("Bouchaib", "Bu Shuayb", "Bouchaïb"),
    "العربي": ("Larbi", "Al-Arabi", "El Arbi", "Elarbi"),
    "بدر": ("Badr", "Bader", "Badre"),
    "ياسر": ("Yassir", "Yasir", "Yasser"),
    "رضوان": ("Redouane", "Ridwan", "Redwan", "Rédouane"),
    "زهير": ("Zouhair", "Zuhair", "Zouheir", "Zuhayr"),
    "أسامة": ("Oussama", "Osama", "Usama", "Oussema"),
    "وليد": ("Walid", "Waleed", "Oualid"),
    "سليمان": ("Slimane", "Sulayman", "Souleimane", "Sliman"),
    "يونس": ("Younes", "Yunus", "Younis", "Younous"),
    "عماد": ("Imad", "Emad"),
    "فاطمة": ("Fatima", "Fatimah", "Fatma", "Fadma"),
    "فاطمة الزهراء": ("Fatima Zahra", "Fatimah Al-Zahra", "Fatima-Zahra", "Fatima Ezzahra"),
    "خديجة": ("Khadija", "Khadijah", "Khadidja"),
    "مريم": ("Meryem", "Maryam", "Mariam", "Meriem"),
    "نادية": ("Nadia", "Nadiya"),
    "عائشة": ("Aicha", "Aisha", "Aïcha", "Aishah"),
    "زينب": ("Zineb", "Zainab", "Zaynab", "Zeinab"),
    "ليلى": ("Leila", "Layla", "Laila", "Leïla"),
    "سلمى": ("Salma", "Selma"),
    "نور": ("Nour", "Noor", "Nur"),
    "سناء": ("Sanae", "Sanaa", "Sana"),
    "نعيمة": ("Naima", "Naeema", "Naïma", "Naimah"),
    "مليكة": ("Malika", "Malikah", "Maleeka"),
    "أمينة": ("Amina", "Aminah", "Ameena"),
    "سميرة": ("Samira", "Sameera", "Samirah"),
    "لطيفة": ("Latifa", "Latifah", "Lateefa"),
    "رشيدة": ("Rachida", "Rashida", "Rashidah"),
    "كريمة": ("Karima", "Kareema", "Karimah"),
    "حنان": ("Hanane", "Hanan"),
    "سعاد": ("Souad", "Suad", "Soad"),
    "إيمان": ("Imane", "Iman", "Eman", "Imaan"),
    "أسماء": ("Asmae", "Asma", "Asmaa"),
    "حياة": ("Hayat", "Hayah"),
    "نجاة": ("Najat", "Najah"),
    "خولة": ("Khaoula", "Khawla", "Khaola", "Khawlah"),
    "حليمة": ("Halima", "Halimah", "Haleema"),
    "سهام": ("Siham", "Seham"),
    "بشرى": ("Bouchra", "Bushra", "Bochra"),
    "وفاء": ("Wafae", "Wafa", "Wafaa"),
    "هند": ("Hind", "Hend"),
    "نزهة": ("Nezha", "Nuzha", "Nazha"),
    "حسناء": ("Hasnaa", "Hasna", "Hasnae"),
    "غزلان": ("Ghizlane", "Ghizlan", "Ghezlane", "Ghislane"),
    "سكينة": ("Soukaina", "Sukayna", "Soukayna", "Sukaina"),
    "ربيعة": ("Rabia", "Rabiah", "Rabiaa"),
    "جميلة": ("Jamila", "Jameela", "Djamila", "Jamilah"),
    "سلوى": ("Saloua", "Salwa"),
    "ياسمين": ("Yasmine", "Yasmin", "Yassmine"),
    "هاجر": ("Hajar", "Hajer"),
    "إكرام": ("Ikram", "Ekram"),
    "سارة": ("Sara", "Sarah", "Sarra"),
    "دنيا": ("Dounia", "Dunya", "Donia", "Dounya"),
    "كوثر": ("Kaoutar", "Kawthar", "Kawtar", "Kaouthar"),
    "إلهام": ("Ilham", "Elham"),
    "نوال": ("Naoual", "Nawal"),
    "عزيزة": ("Aziza", "Azizah"),
    "صفاء": ("Safae", "Safa", "Safaa"),
    "شيماء": ("Chaimae", "Shaimaa", "Chaima", "Shayma"),
    "مونية": ("Mounia", "Muniya", "Monia"),
    "لبنى": ("Loubna", "Lubna", "Lobna"),
    "حفيظة": ("Hafida", "Hafiza", "Hafidha"),
    "رجاء": ("Rajae", "Raja", "Rajaa"),
    "فتيحة": ("Fatiha", "Fatihah"),
    "سعيدة": ("Saida", "Saeeda", "Saïda"),
    "حورية": ("Houria", "Huriya", "Hourya"),
    "فطومة": ("Fattouma", "Fatouma", "Fattuma"),  # diminutive of Fatima
    "خدوج": ("Khaddouj", "Khadouj", "Khadduj"),  # diminutive of Khadija
    # family names: with the article as Moroccan registers write it, as English writes it,
    # without it, and run together
    "العلوي": ("El Alaoui", "Al-Alawi", "Alaoui", "Elalaoui", "Al Alaoui"),
    "بنعلي": ("Benali", "Bin Ali", "Ben Ali", "Ben-Ali"),
    "الإدريسي": ("El Idrissi", "Al-Idrisi", "Idrissi", "Elidrissi", "Al Idrissi"),
    "التازي": ("Tazi", "Al-Tazi", "Ettazi", "At-Tazi", "El Tazi"),
    "بنجلون": ("Benjelloun", "Bin Jallun", "Ben Jelloun", "Benjeloun"),
    "الفاسي": ("El Fassi", "Al-Fasi", "Fassi", "Elfassi"),
    "بناني": ("Bennani", "Banani", "Benani"),
    "العمراني": ("El Amrani", "Al-Imrani", "Amrani", "Elamrani"),
    "الحسني": ("El Hassani", "Al-Hasani", "Hassani", "Elhassani"),
    "الشرقاوي": ("Cherkaoui", "Al-Sharqawi", "Echcherkaoui", "Charkaoui"),
    "المنصوري": ("El Mansouri", "Al-Mansuri", "Mansouri", "Elmansouri"),
    "العثماني": ("El Othmani", "Al-Uthmani", "Othmani", "Elothmani"),
    "الصديقي": ("Seddiki", "Al-Siddiqi", "Esseddiki", "Siddiqi"),
    "الزياني": ("Ziani", "Al-Zayani", "Zayani", "Ezziani"),
    "بنكيران": ("Benkirane", "Bin Kiran", "Ben Kirane"),
    "بوزيد": ("Bouzid", "Bu Zaid"),
    "برادة": ("Berrada", "Barada", "Berada"),
    "العلمي": ("El Alami", "Al-Alami", "Alami", "Elalami", "Al Alami"),
    "الفيلالي": ("El Filali", "Al-Filali", "Filali", "Elfilali"),
    "السعيدي": ("Saidi", "Al-Saidi", "Essaidi", "Es-Saidi", "El Saidi"),
    "الوزاني": ("Ouazzani", "Al-Wazzani", "El Ouazzani", "Wazzani", "Elouazzani"),
    "البقالي": ("El Bakkali", "Al-Baqqali", "Bakkali", "Elbakkali"),
    "الطاهري": ("Tahiri", "Al-Tahiri", "Ettahiri", "Et-Tahiri", "El Tahiri"),
    "الكتاني": ("El Kettani", "Al-Kattani", "Kettani", "Elkettani"),
    "الناصري": ("Naciri", "Al-Nasiri", "Ennaciri", "En-Nasiri", "El Naciri"),
    "الإسماعيلي": ("El Ismaili", "Al-Ismaili", "Ismaili", "Elismaili"),
    "الحداد": ("El Haddad", "Al-Haddad", "Haddad", "Elhaddad"),
    "الخطيب": ("El Khatib", "Al-Khatib", "Khatib", "Elkhatib"),
    "النجار": ("Najjar", "Al-Najjar", "Ennajjar", "En-Najjar", "El Najjar"),
    "الموساوي": ("El Moussaoui", "Al-Musawi", "Moussaoui", "Elmoussaoui"),
    "الهاشمي": ("El Hachimi", "Al-Hashimi", "Hachimi", "Elhachimi"),
    "القادري": ("El Kadiri", "Al-Qadiri", "Kadiri", "Elkadiri"),
    "الرحماني": ("Rahmani", "Al-Rahmani", "Errahmani", "Er-Rahmani", "El Rahmani"),
    "السوسي": ("Soussi", "Al-Susi", "Essoussi", "Es-Soussi", "El Soussi"),
    "الريفي": ("Rifi", "Al-Rifi", "Errifi", "Er-Rifi", "El Rifi"),
    "المراكشي": ("El Marrakchi", "Al-Marrakshi", "Marrakchi", "Elmarrakchi"),
    "الدكالي": ("Doukkali", "Al-Dukkali", "Eddoukkali", "Ed-Doukkali", "El Doukkali"),
    "الحمداوي": ("El Hamdaoui", "Al-Hamdawi", "Hamdaoui", "Elhamdaoui"),
    "العياشي": ("El Ayachi", "Al-Ayyashi", "Ayachi", "Elayachi"),
    "الجعفري": ("El Jaafari", "Al-Jafari", "Jaafari", "Eljaafari"),
    "الزهراوي": ("Zahraoui", "Al-Zahrawi", "Ezzahraoui", "Ez-Zahraoui", "El Zahraoui"),
    "البركاني": ("El Berkani", "Al-Barkani", "Berkani", "Elberkani"),
    "الغربي": ("El Gharbi", "Al-Gharbi", "Gharbi", "Elgharbi"),
    "العروسي": ("El Aroussi", "Al-Arusi", "Aroussi", "Elaroussi"),
    "المحمدي": ("El Mohammadi", "Al-Muhammadi", "Mohammadi", "Elmohammadi"),
    "السباعي": ("Sbai", "Al-Sibai", "Essebai", "Sebbai", "El Sbai"),
    "الشرايبي": ("Chraibi", "Al-Shraybi", "Echchraibi", "Chraïbi"),
    "الوردي": ("Ouardi", "Al-Wardi", "El Ouardi", "Wardi"),
    "اليوسفي": ("El Youssoufi", "Al-Yusufi", "Youssoufi", "Elyoussoufi"),
    "الخالدي": ("El Khalidi", "Al-Khalidi", "Khalidi", "Elkhalidi"),
    "العباسي": ("El Abbassi", "Al-Abbasi", "Abbassi", "Elabbassi"),
    "العراقي": ("El Iraki", "Al-Iraqi", "Iraki", "Eliraki"),
    "الأندلسي": ("El Andaloussi", "Al-Andalusi", "Andaloussi", "Elandaloussi"),
    "الكبير": ("El Kebir", "Al-Kabir", "Kebir", "Elkebir"),
    "الصغير": ("Sghir", "Al-Saghir", "Esseghir", "Seghir", "El Sghir"),
    "المرابط": ("El Mrabet", "Al-Murabit", "Mrabet", "Elmrabet"),
    "بنعمر": ("Benomar", "Bin Umar", "Ben Omar", "Ben-Omar"),
    "بلحاج": ("Belhaj", "Bil Hajj", "Belhadj", "Bel Haj"),
    "بوعزة": ("Bouazza", "Bu Azza", "Bouaza"),
    "بنسعيد": ("Bensaid", "Bin Said", "Ben Said", "Bensaïd"),
    "بنموسى": ("Benmoussa", "Bin Musa", "Ben Moussa", "Benmousa"),
    "بنيس": ("Bennis", "Bin Nis", "Benis"),
    "بوطالب": ("Boutaleb", "Bu Talib", "Bou Taleb", "Boutalib"),
    "بنشقرون": ("Benchekroun", "Bin Shaqrun", "Ben Chekroun", "Bencheqroun"),
    "بلخياط": ("Belkhayat", "Bil Khayyat", "Bel Khayat", "Belkhayate"),
    "بنحمو": ("Benhammou", "Bin Hammu", "Ben Hammou"),
    "بنيحيى": ("Benyahia", "Bin Yahya", "Ben Yahia", "Benyahya"),
    "بنسليمان": ("Benslimane", "Bin Sulayman", "Ben Slimane"),
    "بنعبد الله": ("Benabdellah", "Bin Abdullah", "Ben Abdellah", "Benabdallah"),
    "بوعبيد": ("Bouabid", "Bu Ubayd", "Bou Abid"),
    # Amazigh (Berber) family names: Ait/Ayt "sons of"
    "آيت علي": ("Ait Ali", "Ayt Ali", "Aït Ali", "Aitali"),
    "أمزيان": ("Amziane", "Amzian", "Amezian"),
}
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alif, tatweel
_ALEFS = str.maketrans("أإآ", "ااا")


def _arabic_key(text: str) -> str:
    return _ARABIC_MARKS.sub("", text).translate(_ALEFS)


_ARABIC_BY_KEY = {_arabic_key(k): v for k, v in _ARABIC.items()}
# Index 0 (Maghreb/French spellings) and 1 (English spellings) are favoured by these agencies.
_ARABIC_FAVOURED = ("MA DZ TN FR BE ES IT NL LU CH", "GB IE US MT CA AU")


def _arabic(text: str) -> tuple[str, ...]:
    whole = _ARABIC_BY_KEY.get(_arabic_key(text))
    if whole is not None:
        return whole
    tokens = [
        _ARABIC_BY_KEY.get(_arabic_key(t)) or (_fallback_latin(t),) for t in text.split()
    ]
    if not tokens:
        return (_fallback_latin(text),)
    width = max(len(t) for t in tokens)
    return tuple(" ".join(t[k] if k < len(t) else t[0] for t in tokens) for k in range(width))


def _fallback_latin(text: str) -> str:
    # anyascii marks ayn and hamza with ` and ' ; a clerk writes neither
    latin = re.sub(r"[^\w\s'-]", "", to_latin(text)).replace("'", "")
    return " ".join(w[:1].upper() + w[1:] for w in latin.split())


# Surnames whose surname reading differs from the character's usual reading (anyascii gives
# the usual one, e.g. 曾 ceng, 单 dan), and 吕, whose ü anyascii drops (Lu, the surname 卢):
# Chinese passports write it Lyu. Applied to every character of a name, so no given name in
# the pools uses these characters.
_HAN_SURNAMES: dict[str, str] = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "朴": "piao",
    "查": "zha", "乐": "yue", "覃": "qin", "翟": "zhai", "缪": "miao", "盖": "ge",
    "吕": "lyu",
}


def _han(text: str) -> tuple[str, ...]:
    syllables = [
        _HAN_SURNAMES.get(ch) or to_latin(ch).lower() for ch in text if not ch.isspace()
    ]
    syllables = [s for s in syllables if s]
    if not syllables:
        return ("",)
    joined = "".join(syllables)
    first = joined[:1].upper() + joined[1:]
    if len(syllables) == 1:
        return (first,)
    # as in a passport (Xiaoming), split as a Western clerk hears it (Xiao Ming), hyphenated
    spaced = " ".join(s[:1].upper() + s[1:] for s in syllables)
    hyphened = syllables[0][:1].upper() + syllables[0][1:] + "-" + "".join(syllables[1:])
    return (first, spaced, hyphened)


_GERMAN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                 "Ü": "Ue", "ß": "ss"})


def _fold(text: str) -> str:
    """The name without diacritics, as on a keyboard without them or in a passport's MRZ."""
    return to_latin(text)


@lru_cache(maxsize=65536)
def _renderings(text: str, country: str) -> tuple[str, tuple[str, ...]]:
    """The script of ``text`` and its Latin renderings, by system (duplicates kept)."""
    script = detect_script(text)
    if script == "Cyrillic":
        ukrainian = country == "UA"
        return script, tuple(_cyrillic(text, k, ukrainian) for k in range(4))
    if script == "Arabic":
        return script, _arabic(text)
    if script == "Han":
        return script, _han(text)
    if script in ("Latin", "Unknown"):
        forms = [text]
        if country in ("DE", "AT", "CH", "LI"):
            forms.append(text.translate(_GERMAN_UMLAUTS))
        forms.append(_fold(text))
        return script, tuple(forms)
    return script, (_fallback_latin(text),)


def transliterations(text: str, country: str) -> list[str]:
    """Distinct plausible Latin renderings of a native-script name part as agencies of
    different countries write it (first: the country's own official romanisation).
    Latin-script input returns itself plus, where relevant, a form without diacritics."""
    return list(dict.fromkeys(_renderings(text, country)[1]))


_FAVOURED: dict[str, dict[str, int]] = {
    script: {country: k for k, countries in enumerate(table) for country in countries.split()}
    for script, table in (("Cyrillic", _CYR_FAVOURED), ("Arabic", _ARABIC_FAVOURED))
}


def _favoured(script: str, agency: str | None) -> int:
    """The index of the romanisation an agency of country ``agency`` usually writes."""
    if not agency or script not in _FAVOURED:
        return 0
    return _FAVOURED[script].get(agency.upper(), 0)


# --- nicknames ------------------------------------------------------------------------------

# Common diminutives, curated by hand from everyday usage in each language (the forms
# dictionaries such as Wiktionary list as diminutives; not drawn from a corpus), limited to
# forms an informant or a clerk writes in place of the name. Ukrainian entries are Cyrillic;
# their Latin forms follow from the transliteration tables. Names in flat.NAMES with no entry
# have no usual short form there (Олег, Тарас, Андрій; Chioma, Joy; Marco, Luca; Vietnamese
# given names).
_NICKNAMES: dict[str, dict[str, str]] = {
    "UA": {
        "Олександр": "Саша", "Олександра": "Саша", "Олена": "Лена", "Ірина": "Іра",
        "Наталія": "Наташа", "Юлія": "Юля", "Катерина": "Катя", "Анастасія": "Настя",
        "Марія": "Маша", "Дмитро": "Діма", "Володимир": "Вова", "Михайло": "Міша",
        "Євген": "Женя", "Євгенія": "Женя", "Віктор": "Вітя", "Олексій": "Льоша",
        "Тетяна": "Таня", "Ольга": "Оля", "Людмила": "Люда", "Галина": "Галя",
        "Валентина": "Валя", "Вікторія": "Віка", "Надія": "Надя", "Микола": "Коля",
        "Юрій": "Юра", "Василь": "Вася", "Анатолій": "Толя", "Богдан": "Бодя",
    },
    "MD": {
        "Ion": "Ionel", "Ioan": "Nelu", "Ionel": "Nelu", "Vasile": "Vasilică",
        "Mihai": "Mihăiță", "Elena": "Lenuța", "Ana": "Anuța", "Maria": "Mărioara",
        "Gheorghe": "Ghiță", "Nicolae": "Nicu", "Constantin": "Costel", "Alexandru": "Sandu",
        "Dumitru": "Mitică",
    },
    "MA": {
        "فاطمة": "فطومة", "خديجة": "خدوج",
        # Simo for Mohamed is Moroccan usage in Latin letters, not written in Arabic
        "Mohamed": "Simo", "Mohammed": "Simo", "Mhamed": "Simo",
        "Fatima": "Fattouma", "Khadija": "Khaddouj", "Abdelkader": "Kader",
        "Abdelaziz": "Aziz",
    },
    "NG": {
        "Chukwuemeka": "Emeka", "Babatunde": "Tunde", "Oluwaseun": "Seun", "Olumide": "Mide",
        "Oluwafemi": "Femi", "Adebayo": "Bayo", "Oluwakemi": "Kemi", "Chinonso": "Nonso",
        "Oluwatobiloba": "Tobi", "Funmilayo": "Funmi", "Temitope": "Tope", "Abimbola": "Bimbo",
        "Ikechukwu": "Ike", "Ugochukwu": "Ugo",
    },
    "PL": {
        "Katarzyna": "Kasia", "Małgorzata": "Gosia", "Aleksandra": "Ola", "Magdalena": "Magda",
        "Joanna": "Asia", "Barbara": "Basia", "Zofia": "Zosia", "Tomasz": "Tomek",
        "Wojciech": "Wojtek", "Jakub": "Kuba", "Krzysztof": "Krzysiek", "Piotr": "Piotrek",
    },
    "DE": {
        "Johannes": "Hannes", "Alexander": "Alex", "Katharina": "Kathi", "Elisabeth": "Lisa",
        "Maximilian": "Max", "Christian": "Chris", "Stefanie": "Steffi", "Andreas": "Andi",
        "Franziska": "Franzi", "Susanne": "Susi", "Tobias": "Tobi", "Sebastian": "Basti",
    },
    "IT": {
        "Giuseppe": "Beppe", "Francesco": "Checco", "Alessandro": "Sandro",
        "Antonio": "Tonino", "Giovanni": "Gianni", "Salvatore": "Totò", "Vincenzo": "Enzo",
        "Margherita": "Rita", "Domenico": "Mimmo", "Raffaele": "Lello",
    },
}
_NICKNAMES["RO"] = _NICKNAMES["MD"]


@lru_cache(maxsize=64)
def _nickname_index(country: str) -> dict[str, str]:
    """Casefolded name (native, and every rendering of a native one) -> its diminutive."""
    index: dict[str, str] = {}
    for name, short in _NICKNAMES.get(country, {}).items():
        index[name.casefold()] = short
        index[_fold(name).casefold()] = _fold(short) if _fold(name) != name else short
        script, forms = _renderings(name, country)
        if script in ("Cyrillic", "Arabic"):
            shorts = _renderings(short, country)[1]
            for k, form in enumerate(forms):
                index.setdefault(form.casefold(), shorts[k] if k < len(shorts) else shorts[0])
    return index


def nickname(given: str, country: str) -> str | None:
    """A common diminutive (Олександр→Саша, Oleksandr→Sasha, Ion→Ionel, Khadija→Khaddouj,
    伟→小伟), in the same script as ``given``; None when none is known."""
    if not given:
        return None
    if country in ("CN", "TW", "HK") and len(given) == 1 and detect_script(given) == "Han":
        return "小" + given  # "little Wei": how family and friends call one-character names
    short = _nickname_index(country).get(given.casefold())
    if short is None:
        return None
    return short.upper() if len(given) > 1 and given.isupper() else short


# --- typos ----------------------------------------------------------------------------------

_KEYBOARD_ROWS = (
    ("qwertyuiop", "asdfghjkl", "zxcvbnm"),  # QWERTY
    ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),  # Ukrainian ЙЦУКЕН
    ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرىةوزظ"),  # Arabic (101)
)
_OCR = {"i": "l", "l": "i", "u": "v", "v": "u", "c": "e", "e": "c", "n": "h", "h": "n"}


def _neighbour_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for rows in _KEYBOARD_ROWS:
        for r, row in enumerate(rows):
            for i, ch in enumerate(row):
                near = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
                for other in (r - 1, r + 1):
                    if 0 <= other < len(rows):
                        near.update(rows[other][j] for j in (i - 1, i, i + 1)
                                    if 0 <= j < len(rows[other]))
                near.discard(ch)
                table[ch] = "".join(sorted(near))
    for ch, ocr in _OCR.items():
        table[ch] += ocr
    return table


_NEIGHBOURS = _neighbour_table()


def _with_case(ch: str, like: str) -> str:
    return ch.upper() if like.isupper() else ch


def typo(rng: random.Random, text: str) -> str:
    """One realistic edit: adjacent transposition, dropped or doubled letter, a neighbouring key
    (or a lost accent); never changes the script; text of < 3 letters returned unchanged."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    # Clerks rarely get a word's first letter wrong: edit inside words where possible.
    inner = [i for i in letters if i > 0 and text[i - 1].isalpha()] or letters
    for _ in range(8):
        op = rng.random()
        i = rng.choice(inner)
        ch = text[i]
        if op < 0.35:  # a neighbouring key, or the same letter without its accent
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch:
                return text[:i] + base + text[i + 1:]
            near = _NEIGHBOURS.get(ch.lower())
            if near:
                return text[:i] + _with_case(rng.choice(near), ch) + text[i + 1:]
        elif op < 0.6:  # a dropped letter
            return text[:i] + text[i + 1:]
        elif op < 0.8:  # a doubled letter
            return text[:i + 1] + ch.lower() + text[i + 1:]
        else:  # two letters inside a word swapped
            j = i + 1
            if j < len(text) and text[j].isalpha() and text[j].lower() != ch.lower():
                return text[:i] + text[j] + ch + text[j + 1:]
    i = rng.choice(inner)
    return text[:i + 1] + text[i].lower() + text[i + 1:]


# --- names ----------------------------------------------------------------------------------

# Countries whose names are written family name first.
_FAMILY_FIRST = frozenset({"CN", "TW", "HK", "MO", "VN", "KR", "JP", "KH", "HU"})
_CASED_SCRIPTS = frozenset({"Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Unknown"})


def _pick(rng: random.Random, n: int, favoured: int) -> int:
    if n <= 1:
        return 0
    return favoured if rng.random() < 0.5 else rng.randrange(n)


def written_name(
    rng: random.Random,
    given: str,
    family: str,
    country: str,
    rates: NoiseRates,
    *,
    agency: str | None = None,
) -> str:
    """The full name as one agency clerk writes it: own script or one of the
    transliterations, possibly family-first/UPPER-CASE family, nickname, typo, dropped given
    name. ``agency``, the writing agency's country, makes its usual romanisation likelier
    (a German police officer writes Schewtschenko)."""
    script, given_forms = _renderings(given, country)
    fscript, family_forms = _renderings(family, country)
    native_latin = script in ("Latin", "Unknown") and fscript in ("Latin", "Unknown")
    native = fscript if script in ("Latin", "Unknown") else script
    drop = not given or _hit(rng, rates.drop_given)
    nick = not drop and _hit(rng, rates.nickname)
    short = nickname(given, country) if nick else None
    if short is not None:
        given_forms = _renderings(short, country)[1]
    in_latin = not native_latin and _hit(rng, rates.latin)
    if in_latin:
        k = _pick(rng, max(len(given_forms), len(family_forms)), _favoured(native, agency))
        g = given_forms[k] if k < len(given_forms) else given_forms[0]
        f = family_forms[k] if k < len(family_forms) else family_forms[0]
        if nick and short is None:  # Mohamed -> Simo: known only in Latin letters
            short = nickname(g, country)
            g = short or g
    elif native_latin and _hit(rng, rates.fold):
        k = rng.randrange(1, max(len(given_forms), len(family_forms), 2))
        g = given_forms[min(k, len(given_forms) - 1)]
        f = family_forms[min(k, len(family_forms) - 1)]
    else:
        g, f = (short or given), family
    if drop:
        g = ""
    if _hit(rng, rates.typo):
        long_parts = [p for p, text in (("g", g), ("f", f)) if sum(map(str.isalpha, text)) >= 3]
        if long_parts:
            if rng.choice(long_parts) == "g":
                g = typo(rng, g)
            else:
                f = typo(rng, f)
    if in_latin or {script, fscript} <= _CASED_SCRIPTS:
        if _hit(rng, rates.all_caps):
            g, f = g.upper(), f.upper()
        elif _hit(rng, rates.upper_family):
            f = f.upper()
    if not in_latin and native == "Han":  # family-first without a space, in every register
        return f + g
    if not g or not f:
        return g or f
    if _hit(rng, rates.comma):
        return f"{f}, {g}"
    family_first = (country in _FAMILY_FIRST) != _hit(rng, rates.swap_order)
    return f"{f} {g}" if family_first else f"{g} {f}"


# --- dates ----------------------------------------------------------------------------------


def _wrong_date(rng: random.Random, birth: dt.date) -> dt.date:
    if birth.day <= 12 and birth.day != birth.month and rng.random() < 0.5:
        return birth.replace(month=birth.day, day=birth.month)
    year = birth.year + rng.choice((-1, 1))
    return birth.replace(year=year, day=min(birth.day, 28) if birth.month == 2 else birth.day)


def written_birth(rng: random.Random, birth: dt.date, rates: NoiseRates) -> str:
    """'' (missing), 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or, written day first, 'DD.MM.YYYY',
    'DD/MM/YYYY', 'MM.YYYY', 'MM/YYYY'; a wrong date (day and month swapped, a year off) per
    ``rates``. Every form is one the standard's ``PartialDate`` reads."""
    if _hit(rng, rates.birth_missing):
        return ""
    if _hit(rng, rates.birth_wrong):
        birth = _wrong_date(rng, birth)
    precision = 3
    if _hit(rng, rates.birth_partial):
        precision = rng.choice((1, 2))
    if precision == 1:
        return f"{birth.year:04d}"
    local = _hit(rng, rates.birth_local)
    sep = rng.choice("./") if local else "-"
    if precision == 2:
        return f"{birth.month:02d}{sep}{birth.year:04d}" if local else f"{birth:%Y-%m}"
    if local:
        return f"{birth.day:02d}{sep}{birth.month:02d}{sep}{birth.year:04d}"
    return birth.isoformat()


# --- phones ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"\D")
_E164 = PhoneNumberFormat.E164


@dataclass(frozen=True, slots=True)
class _PhoneShape:
    """How numbers starting alike are written: templates with '#' for each digit after the
    country code, from one number formatted by phonenumbers and checked to parse back."""

    key: str  # the leading digits numbers of this shape share
    sample: str  # the E.164 number the shape was made from
    region: str
    cc: str
    international: str  # e.g. "+380 ## ### ####"
    # e.g. "0## ### ####"; "" when phonenumbers must format each number (Argentina writes 15
    # inside mobile numbers); None when no national form parses back (invalid numbers that
    # read as international ones)
    national: str | None


_SHAPES: dict[tuple[str, int], _PhoneShape] = {}
_ZERO_ZERO: dict[tuple[str, str], bool] = {}
_CACHE_MAX = 100_000


def _template(formatted: str, keep: int) -> str:
    """``formatted`` with every digit after the first ``keep`` replaced by '#'."""
    out, seen = [], 0
    for ch in formatted:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else "#")
        else:
            out.append(ch)
    return "".join(out)


def _parses_to(text: str, region: str | None, e164: str) -> bool:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.format_number(number, _E164) == e164)


def _shape(e164: str) -> _PhoneShape:
    # Format depends on the country code and leading digits, not on the last few: numbers
    # that differ only there share one parse.
    key = (e164[: max(len(e164) - 6, 7)], len(e164))
    shape = _SHAPES.get(key)
    if shape is not None:
        return shape
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not an E.164 phone number: {e164!r}") from exc
    if phonenumbers.format_number(number, _E164) != e164:
        raise ValueError(f"not an E.164 phone number: {e164!r}")
    cc = str(number.country_code)
    nsn = e164[1 + len(cc):]
    region = phonenumbers.region_code_for_number(number) or ""
    intl = str(phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))
    if _DIGITS.sub("", intl) != cc + nsn:
        intl = f"+{cc} {nsn}"
    nat = str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    nat_digits = _DIGITS.sub("", nat)
    national: str | None = None
    if _parses_to(nat, region, e164):
        national = _template(nat, len(nat_digits) - len(nsn)) if nat_digits.endswith(nsn) else ""
    shape = _PhoneShape(key[0], e164, region, cc, _template(intl, len(cc)), national)
    if len(_SHAPES) >= _CACHE_MAX:
        _SHAPES.clear()
    _SHAPES[key] = shape
    return shape


def _zero_zero(shape: _PhoneShape, agency: str) -> bool:
    """Whether a clerk in ``agency`` may write the number with 00 for '+': the country dials
    abroad with 00, and its dialling prefix does not swallow the digits after it (Hong
    Kong's 00 + a carrier digit would)."""
    ok = _ZERO_ZERO.get((shape.key, agency))
    if ok is None:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(agency, None)
        pattern: str | None = getattr(meta, "international_prefix", None)
        ok = (
            pattern is not None
            and re.fullmatch(pattern, "00") is not None
            and _parses_to("00" + shape.sample[1:], agency, shape.sample)
        )
        if len(_ZERO_ZERO) >= _CACHE_MAX:
            _ZERO_ZERO.clear()
        _ZERO_ZERO[(shape.key, agency)] = ok
    return ok


def _fill(template: str, digits: str) -> str:
    it = iter(digits)
    return "".join(next(it) if ch == "#" else ch for ch in template)


def _separators(rng: random.Random, text: str) -> str:
    """``text`` as formatted, without separators, or with dashes between its groups."""
    style = rng.random()
    if style < 0.5:
        return text
    if style < 0.75:
        return re.sub(r"[\s().-]", "", text)
    return re.sub(r"\s+", "-", text.replace("(", "").replace(")", "").strip())


def written_phone(rng: random.Random, e164: str, agency_country: str) -> str:
    """The number as an agency writes it: national format when the number is of the agency's
    country, else international with '+' (or '00' where the agency dials abroad with 00),
    with spaces, dashes or no separators. Parses back to ``e164`` with phonenumbers, given the
    agency country as region. (An invalid number whose national form would read as an
    international one is written internationally.)"""
    shape = _shape(e164)
    agency = agency_country.upper()
    nsn = e164[1 + len(shape.cc):]
    if shape.region == agency and shape.national is not None:
        if not shape.national:
            number = phonenumbers.parse(e164, None)
            return str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
        return _separators(rng, _fill(shape.national, nsn))
    text = _separators(rng, _fill(shape.international, nsn))
    if rng.random() < 0.3 and _zero_zero(shape, agency):
        return "00" + text[1:]
    return text


# --- documents ------------------------------------------------------------------------------


def _wrong_character(rng: random.Random, text: str) -> str:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if digits:
        i = rng.choice(digits)
        return text[:i] + rng.choice("0123456789".replace(text[i], "")) + text[i + 1:]
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return text
    i = rng.choice(letters)
    near = _NEIGHBOURS.get(text[i].lower()) or "ABCDEFGHIJKLMNOPQRSTUVWXYZ".replace(
        text[i].upper(), ""
    ).lower()
    return text[:i] + _with_case(rng.choice(near), text[i]) + text[i + 1:]


_LETTERS_DIGITS = re.compile(r"([^\W\d_]+)(\d+)")


def _document_style(rng: random.Random, text: str) -> str:
    """``text`` with a space or dash after its letters, its digits in two groups, or lower
    case: never ``text`` itself."""
    m = _LETTERS_DIGITS.fullmatch(text)
    options = ["space", "dash", "groups"] if m else ["groups"]
    if any(ch.isupper() for ch in text):
        options.append("lower")
    choice = rng.choice(options)
    if choice == "lower":
        return text.lower()
    if m and choice != "groups":
        return m.group(1) + (" " if choice == "space" else "-") + m.group(2)
    head, tail = (m.group(1), m.group(2)) if m else ("", text)
    if len(tail) < 4:
        return f"{head} {tail}" if head else f"{text[:1]} {text[1:]}"
    mid = len(tail) // 2
    return " ".join(p for p in (head, tail[:mid], tail[mid:]) if p)


def written_document(rng: random.Random, number: str, rates: NoiseRates) -> str:
    """A document number with spacing/case variation, and rarely a wrong character."""
    text = number
    if _hit(rng, rates.wrong_value):
        text = _wrong_character(rng, text)
    if len(text) >= 2 and _hit(rng, rates.doc_format):
        text = _document_style(rng, text)
    return text
