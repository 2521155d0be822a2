"""The countries a scenario can simulate: names in their own scripts, cities, banks, formats.

Each profile holds what the generator needs to make a person or an account look like that
country's: name pools in the country's script, cities with coordinates, banks, the shape of
passport numbers and number plates, and mobile numbers taken from ``phonenumbers``' own example
number for the country (so every generated number is valid for its numbering plan).

Curated by hand from public sources (common given and family names; large cities; major banks
and their BICs as published). Names are pooled, not drawn from real people: each pool lists
real, common names in the country's script, most common first (ranks approximate): 48 to 66
given names per gender and 70 to 95 family names (Viet Nam: its 40 commonest, which most of its
people bear). Draws follow a mild Zipf law, the name of rank r drawn in proportion to
1/sqrt(r), so common names stay common; Vietnamese family names follow 1/r (Nguyễn 23 %, see
their profile). Polish and Ukrainian women get the feminine form of adjectival family names
(Kowalski → Kowalska). In a world of scale 20,000 (seed 1) one person in five shares their full
name with someone else (a third to a half of the Vietnamese, a tenth to a fifth of others):
namesakes exist, as in real case files, without swamping entity resolution.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cache, cached_property

import phonenumbers
from phonenumbers import PhoneNumberType

ORIGIN, TRANSIT, DESTINATION = "origin", "transit", "destination"


@dataclass(frozen=True)
class Country:
    code: str
    region: str  # origin, transit or destination: its usual place on trafficking routes
    script: str  # Latin, Cyrillic, Arabic, Han
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[tuple[str, float, float], ...]  # name, latitude, longitude
    banks: tuple[tuple[str, str, str], ...]  # bank code (IBAN countries) or "", name, BIC
    iban: bool  # accounts are IBANs (else domestic numbers of ``account_digits``)
    account_digits: int
    passport: str  # pattern: A = letter, 9 = digit, other characters as they are
    plate: str
    currency: str
    family_first: bool = False  # the name is written family name first, without a comma
    # relative weights of ``family``, in its order; empty: the mild Zipf law of every pool
    family_weights: tuple[float, ...] = ()
    # family-name endings a woman's name changes (Kowalski → Kowalska), first match applies
    feminine: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.family_weights and len(self.family_weights) != len(self.family):
            raise ValueError(f"{self.code}: one weight per family name")

    @cached_property
    def _family_cum(self) -> tuple[float, ...]:
        if self.family_weights:
            return tuple(itertools.accumulate(self.family_weights))
        return _zipf(len(self.family))

    def given_name(self, rng: random.Random, female: bool) -> str:
        """A given name of the country, common ones likelier."""
        pool = self.given_female if female else self.given_male
        return rng.choices(pool, cum_weights=_zipf(len(pool)))[0]

    def family_name(self, rng: random.Random, female: bool | None = None) -> str:
        """A family name of the country, common ones likelier; a woman's form if ``female``
        (None: the form that names a business, as written for a man)."""
        family = rng.choices(self.family, cum_weights=self._family_cum)[0]
        if female:
            for masculine, feminine in self.feminine:
                if family.endswith(masculine):
                    return family[: -len(masculine)] + feminine
        return family


ZIPF_EXPONENT = 0.5  # a name of rank r is drawn in proportion to r ** -ZIPF_EXPONENT


@cache
def _zipf(n: int) -> tuple[float, ...]:
    """Cumulative weights of a pool of ``n`` names, most common first."""
    return tuple(itertools.accumulate((rank + 1) ** -ZIPF_EXPONENT for rank in range(n)))


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "UA", ORIGIN, "Cyrillic",
            ("Олена", "Наталія", "Тетяна", "Ірина", "Оксана", "Світлана", "Юлія", "Марія",
             "Анна", "Катерина", "Ольга", "Людмила", "Галина", "Валентина", "Анастасія",
             "Вікторія", "Надія", "Інна", "Лариса", "Любов", "Алла", "Яна", "Віра", "Ганна",
             "Олександра", "Марина", "Дарина", "Христина", "Софія", "Мар'яна", "Тамара",
             "Лілія", "Жанна", "Вероніка", "Валерія", "Аліна", "Діана", "Євгенія", "Ніна",
             "Лідія", "Зоряна", "Леся", "Уляна", "Богдана", "Олеся", "Ксенія", "Кристина",
             "Антоніна", "Руслана", "Карина", "Ілона", "Маргарита", "Мирослава", "Ярослава",
             "Раїса", "Зінаїда"),
            ("Олександр", "Сергій", "Андрій", "Володимир", "Дмитро", "Олег", "Віктор", "Іван",
             "Микола", "Юрій", "Василь", "Тарас", "Олексій", "Михайло", "Віталій", "Петро",
             "Євген", "Роман", "Ігор", "Максим", "Анатолій", "Богдан", "Ярослав", "Руслан",
             "Павло", "Валерій", "Вадим", "Григорій", "Степан", "Артем", "Денис", "Станіслав",
             "Назар", "Костянтин", "Леонід", "Федір", "Антон", "Владислав", "Ілля",
             "Геннадій", "Борис", "Остап", "Орест", "Валентин", "Семен", "Кирило",
             "Мирослав", "Любомир", "Святослав", "В'ячеслав", "Ростислав", "Данило", "Марко",
             "Едуард", "Олесь"),
            ("Мельник", "Шевченко", "Бойко", "Коваленко", "Бондаренко", "Ткаченко",
             "Ковальчук", "Кравченко", "Олійник", "Шевчук", "Коваль", "Поліщук", "Бондар",
             "Ткачук", "Савченко", "Марченко", "Руденко", "Мороз", "Лисенко", "Петренко",
             "Клименко", "Павленко", "Кравчук", "Кузьменко", "Пономаренко", "Савчук",
             "Василенко", "Левченко", "Харченко", "Сидоренко", "Карпенко", "Гаврилюк",
             "Мельничук", "Іваненко", "Литвиненко", "Романенко", "Юрченко", "Остапенко",
             "Кушнір", "Марчук", "Гончаренко", "Павлюк", "Швець", "Приходько", "Степаненко",
             "Зінченко", "Гуменюк", "Мазур", "Тимошенко", "Кириленко", "Панченко",
             "Нестеренко", "Мартинюк", "Яковенко", "Тарасенко", "Власенко", "Костенко",
             "Білик", "Захарченко", "Головко", "Сердюк", "Давиденко", "Дмитренко",
             "Коломієць", "Гордієнко", "Середа", "Онищенко", "Антоненко", "Максименко",
             "Кучер", "Литвин", "Симоненко", "Андрієнко", "Федоренко", "Білоус", "Дмитрук",
             "Бондарчук", "Гнатюк", "Кравець", "Вовк", "Ковтун", "Назаренко", "Гриценко",
             "Фесенко", "Ярошенко", "Осипенко", "Мирошниченко", "Демченко", "Семенюк",
             "Паламарчук", "Левицький", "Яворський", "Ковальський", "Савицький",
             "Вишневський"),
            (("Kyiv", 50.45, 30.52), ("Lviv", 49.84, 24.03), ("Odesa", 46.48, 30.72),
             ("Kharkiv", 49.99, 36.23), ("Chernivtsi", 48.29, 25.94)),
            (("305299", "PrivatBank", "PBANUA2X"), ("300465", "Oschadbank", "COSBUAUK"),
             ("322001", "Universal Bank", "UNJSUAUK")),
            True, 0, "AA999999", "AA9999AA", "UAH",
            feminine=(("ський", "ська"), ("цький", "цька")),
        ),
        Country(
            "VN", ORIGIN, "Latin",
            ("Lan", "Hương", "Thảo", "Linh", "Mai", "Ngọc", "Trang", "Hà", "Hoa", "Hằng",
             "Hạnh", "Huyền", "Nga", "Nhung", "Phương", "Thủy", "Thu", "Vân", "Yến", "Anh",
             "Loan", "Dung", "Hiền", "Hồng", "Liên", "Ly", "My", "Nhi", "Oanh", "Quỳnh", "Tâm",
             "Thanh", "Thúy", "Trinh", "Tuyết", "Uyên", "Vy", "Xuân", "Giang", "Hòa", "Ngân",
             "Nguyệt", "Nhàn", "Phượng", "Thơ", "Thắm", "Trâm", "Châu", "Chi", "Diễm",
             "Duyên", "Hậu", "Lệ", "Diệp"),
            ("Minh", "Tuấn", "Hùng", "Dũng", "Nam", "Quang", "Long", "Hải", "Anh", "Bình",
             "Cường", "Đức", "Huy", "Hoàng", "Khánh", "Lâm", "Phong", "Phúc", "Sơn", "Thắng",
             "Thành", "Trung", "Tùng", "Việt", "Vinh", "Hiếu", "Hưng", "Khoa", "Kiên", "Lợi",
             "Mạnh", "Nghĩa", "Phát", "Quân", "Quý", "Tài", "Thịnh", "Toàn", "Trí", "Trọng",
             "Tú", "Đạt", "Định", "Hiển", "Khải", "Lộc", "Luân", "Nhân", "Tân", "Thái",
             "Thiện", "Thông", "Tiến", "Vũ", "Bảo", "Duy"),
            ("Nguyễn", "Trần", "Lê", "Phạm", "Phan", "Hoàng", "Huỳnh", "Đặng", "Vũ", "Bùi",
             "Võ", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trương", "Mai", "Lâm",
             "Trịnh", "Đoàn", "Lương", "Cao", "Tạ", "Hà", "Châu", "Thái", "Tô", "Quách",
             "Vương", "Kiều", "Lưu", "Tăng", "Phùng", "Chu", "Triệu", "La", "Mạc"),
            (("Hanoi", 21.03, 105.85), ("Ho Chi Minh City", 10.82, 106.63),
             ("Vinh", 18.68, 105.68), ("Hai Phong", 20.86, 106.68)),
            (("", "Vietcombank", "BFTVVNVX"), ("", "BIDV", "BIDVVNVX"),
             ("", "Agribank", "VBAAVNVX"), ("", "Techcombank", "VTCBVNVX")),
            False, 13, "A9999999", "99A-99999", "VND", family_first=True,
            # Zipf, exponent 1: fits the published shares (Trần 11 %, Lê 9.5 %, Phạm 7 %,
            # Phan 4.5 %…) but for Nguyễn, 23 % here and about 38 % in reality. The model has
            # no middle names (Thị, Văn, Ngọc…), which tell most Vietnamese namesakes apart:
            # the real share would make half of them namesakes.
            family_weights=tuple(1 / rank for rank in range(1, 41)),
        ),
        Country(
            "CN", ORIGIN, "Han",
            ("芳", "娜", "静", "丽", "敏", "秀英", "燕", "霞", "艳", "娟", "秀兰", "桂英", "玲",
             "丹", "萍", "红", "玉兰", "婷", "雪", "琳", "洁", "梅", "莉", "颖", "倩", "慧",
             "晶", "欣", "玉梅", "秀珍", "桂兰", "丽娟", "海燕", "秀梅", "婷婷", "雪梅", "晓燕",
             "红梅", "春梅", "丽华", "淑珍", "凤英", "秀云", "金凤", "玉珍", "丽萍", "红霞",
             "秀芳", "春燕", "海霞", "美玲", "晓红", "慧敏", "丽丽", "晓丽"),
            ("伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "平", "刚", "辉", "斌", "鹏",
             "波", "华", "宇", "浩", "洋", "飞", "鑫", "峰", "亮", "龙", "建华", "建国", "建军",
             "建平", "志强", "志刚", "志明", "海涛", "海波", "国强", "国华", "永刚", "俊杰",
             "晓东", "振华", "文斌", "建伟", "宏伟", "海峰", "国庆", "建林", "立新", "卫东",
             "卫国", "海龙", "金龙", "晓明", "建新", "明辉", "成", "凯", "毅"),
            ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
             "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
             "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜",
             "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", "姚", "沈", "钟", "姜", "崔", "谭",
             "陆", "范", "汪", "廖", "石", "金", "韦", "贾", "夏", "付", "方", "邹", "熊", "白"),
            (("Fuzhou", 26.07, 119.30), ("Wenzhou", 28.00, 120.67),
             ("Shenyang", 41.80, 123.43)),
            (("", "Industrial and Commercial Bank of China", "ICBKCNBJ"),
             ("", "Bank of China", "BKCHCNBJ"), ("", "China Construction Bank", "PCBCCNBJ")),
            False, 19, "E99999999", "A·A9999", "CNY", family_first=True,
        ),
        Country(
            "MA", ORIGIN, "Arabic",
            ("فاطمة", "خديجة", "فاطمة الزهراء", "نعيمة", "مليكة", "أمينة", "عائشة", "مريم",
             "زينب", "سميرة", "لطيفة", "رشيدة", "نادية", "كريمة", "حنان", "سعاد", "سلمى",
             "إيمان", "أسماء", "سناء", "حياة", "نجاة", "خولة", "حليمة", "ليلى", "سهام", "بشرى",
             "وفاء", "هند", "نزهة", "حسناء", "غزلان", "سكينة", "ربيعة", "جميلة", "سلوى",
             "ياسمين", "هاجر", "إكرام", "سارة", "دنيا", "كوثر", "إلهام", "نوال", "عزيزة",
             "صفاء", "شيماء", "مونية", "لبنى", "حفيظة", "رجاء", "فتيحة", "سعيدة", "حورية",
             "نور"),
            ("محمد", "أحمد", "يوسف", "عبد الله", "مصطفى", "حسن", "رشيد", "سعيد", "خالد",
             "عبد الرحيم", "إبراهيم", "عبد الرحمن", "عبد العزيز", "عبد القادر", "كريم", "هشام",
             "ياسين", "أمين", "عمر", "علي", "إدريس", "حميد", "إلياس", "عبد الكريم",
             "عبد اللطيف", "عبد الحق", "عبد الإله", "عبد الصمد", "عبد المجيد", "عبد السلام",
             "عبد الواحد", "نور الدين", "صلاح الدين", "حسين", "لحسن", "جمال", "عادل", "نبيل",
             "طارق", "سفيان", "أيوب", "حمزة", "أنس", "مهدي", "زكرياء", "بلال", "إسماعيل",
             "عثمان", "منير", "توفيق", "عزيز", "محسن", "مراد", "فؤاد", "نجيب", "بوشعيب",
             "العربي", "بدر", "ياسر", "رضوان", "زهير", "أسامة", "وليد", "سليمان", "يونس",
             "عماد"),
            ("العلوي", "الإدريسي", "بنعلي", "التازي", "الفاسي", "بناني", "العمراني", "العلمي",
             "الحسني", "المنصوري", "الفيلالي", "الشرقاوي", "بنجلون", "العثماني", "السعيدي",
             "الصديقي", "الزياني", "الوزاني", "البقالي", "الطاهري", "الكتاني", "الناصري",
             "الإسماعيلي", "الحداد", "الخطيب", "النجار", "الموساوي", "الهاشمي", "القادري",
             "الرحماني", "السوسي", "الريفي", "المراكشي", "الدكالي", "الحمداوي", "العياشي",
             "الجعفري", "الزهراوي", "البركاني", "الغربي", "العروسي", "المحمدي", "السباعي",
             "الشرايبي", "الوردي", "اليوسفي", "الخالدي", "العباسي", "العراقي", "الأندلسي",
             "الكبير", "الصغير", "المرابط", "بنكيران", "بوزيد", "برادة", "بنعمر", "بلحاج",
             "بوعزة", "بنسعيد", "بنموسى", "بنيس", "بوطالب", "بنشقرون", "بلخياط", "بنحمو",
             "بنيحيى", "بنسليمان", "بنعبد الله", "بوعبيد", "آيت علي", "أمزيان"),
            (("Casablanca", 33.57, -7.59), ("Tangier", 35.76, -5.83), ("Fes", 34.03, -5.00)),
            (("", "Attijariwafa Bank", "BCMAMAMC"), ("", "Banque Populaire", "BCPOMAMC"),
             ("", "Bank of Africa", "BMCEMAMC")),
            False, 24, "AA9999999", "99999-A-9", "MAD",
        ),
        Country(
            "NG", ORIGIN, "Latin",
            ("Blessing", "Chioma", "Joy", "Ngozi", "Aisha", "Precious", "Funmilayo", "Adaeze",
             "Grace", "Mercy", "Faith", "Amina", "Fatima", "Zainab", "Esther", "Gift",
             "Patience", "Nneka", "Chiamaka", "Ifeoma", "Yetunde", "Folake", "Bukola",
             "Temitope", "Oluwakemi", "Abimbola", "Titilayo", "Omolara", "Hauwa", "Hadiza",
             "Amarachi", "Chinwe", "Nkechi", "Ebere", "Obiageli", "Comfort", "Favour", "Peace",
             "Deborah", "Ruth", "Mary", "Elizabeth", "Victoria", "Itohan", "Ivie", "Osasu",
             "Efe", "Halima"),
            ("Emeka", "Tunde", "Chinedu", "Ibrahim", "Segun", "Obinna", "Musa", "Kelechi",
             "Chukwuemeka", "Babatunde", "Oluwaseun", "Olumide", "Oluwafemi", "Adebayo",
             "Chinonso", "Ikechukwu", "Uchenna", "Nnamdi", "Chidi", "Ifeanyi", "Chibuike",
             "Tochukwu", "Ugochukwu", "Ayodele", "Olamide", "Kunle", "Gbenga", "Yusuf",
             "Abubakar", "Aliyu", "Usman", "Abdullahi", "Sani", "Umar", "Bashir", "Suleiman",
             "Haruna", "John", "Samuel", "Daniel", "David", "Joseph", "Peter", "Michael",
             "Emmanuel", "Godwin", "Sunday", "Victor", "Osaze", "Efosa", "Osaretin", "Uyi",
             "Nosa"),
            ("Okafor", "Adeyemi", "Eze", "Bello", "Mohammed", "Okoro", "Ibrahim", "Musa",
             "Nwosu", "Balogun", "Okonkwo", "Adebayo", "Osagie", "Okeke", "Abubakar", "Yusuf",
             "Ajayi", "Nwankwo", "Obi", "Okoye", "Nwachukwu", "Chukwu", "Usman", "Aliyu",
             "Abdullahi", "Afolabi", "Adeleke", "Ogunleye", "Olawale", "Adeniyi", "Akinola",
             "Olatunji", "Adewale", "Lawal", "Bakare", "Salami", "Ogundipe", "Oladipo",
             "Adesanya", "Oyewole", "Adegoke", "Olaniyan", "Fashola", "Onyeka", "Nnaji",
             "Ugwu", "Okpara", "Onuoha", "Anyanwu", "Nwafor", "Ibe", "Ogbonna", "Uzor", "Agu",
             "Okolie", "Nwoye", "Garba", "Danjuma", "Sani", "Suleiman", "Umar", "Shehu",
             "Haruna", "Igbinedion", "Omoregie", "Osaghae", "Idahosa", "Obaseki", "Osunde",
             "Edosomwan", "Iyoha", "Johnson", "Williams", "Peters", "Davies"),
            (("Benin City", 6.34, 5.63), ("Lagos", 6.52, 3.38), ("Abuja", 9.08, 7.40)),
            (("", "Zenith Bank", "ZEIBNGLA"), ("", "Access Bank", "ABNGNGLA"),
             ("", "First Bank of Nigeria", "FBNINGLA"), ("", "Guaranty Trust Bank", "GTBINGLA")),
            False, 10, "A99999999", "AAA-999AA", "NGN",
        ),
        Country(
            "PL", TRANSIT, "Latin",
            ("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
             "Krystyna", "Magdalena", "Elżbieta", "Joanna", "Aleksandra", "Monika", "Zofia",
             "Teresa", "Danuta", "Natalia", "Julia", "Karolina", "Marta", "Beata", "Dorota",
             "Halina", "Janina", "Jadwiga", "Jolanta", "Iwona", "Grażyna", "Bożena",
             "Paulina", "Justyna", "Urszula", "Renata", "Agata", "Sylwia", "Zuzanna",
             "Patrycja", "Hanna", "Wiesława", "Irena", "Alicja", "Izabela", "Marianna",
             "Weronika", "Dominika", "Wioletta", "Emilia", "Kinga", "Edyta", "Martyna"),
            ("Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin",
             "Stanisław", "Jakub", "Adam", "Marek", "Łukasz", "Grzegorz", "Mateusz",
             "Wojciech", "Mariusz", "Dariusz", "Zbigniew", "Jerzy", "Maciej", "Józef",
             "Tadeusz", "Rafał", "Kamil", "Janusz", "Robert", "Jacek", "Ryszard", "Kazimierz",
             "Dawid", "Sławomir", "Jarosław", "Szymon", "Bartosz", "Damian", "Daniel",
             "Przemysław", "Roman", "Henryk", "Sebastian", "Arkadiusz", "Artur", "Marian",
             "Mirosław", "Wiesław", "Zdzisław", "Leszek", "Waldemar", "Kacper"),
            ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński",
             "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
             "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek",
             "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król",
             "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski",
             "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki", "Pawlak",
             "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak",
             "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Marciniak", "Wróblewski",
             "Zalewski", "Jasiński", "Zawadzki", "Jakubowski", "Sadowski", "Duda",
             "Włodarczyk", "Wilk", "Chmielewski", "Borkowski", "Sokołowski", "Szczepański",
             "Sawicki", "Lis", "Kucharski", "Mazurek", "Kubiak", "Kalinowski", "Wysocki",
             "Kołodziej"),
            (("Warsaw", 52.23, 21.01), ("Przemyśl", 49.78, 22.77), ("Wrocław", 51.11, 17.03),
             ("Poznań", 52.41, 16.93)),
            (("10202892", "PKO Bank Polski", "BPKOPLPW"), ("10501038", "ING Bank Śląski",
             "INGBPLPW"), ("11402004", "mBank", "BREXPLPW")),
            True, 0, "AA9999999", "AA 99999", "PLN",
            feminine=(("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")),
        ),
        Country(
            "DE", DESTINATION, "Latin",
            ("Sabine", "Anna", "Julia", "Katrin", "Andrea", "Stefanie", "Nicole", "Claudia",
             "Susanne", "Petra", "Melanie", "Sandra", "Christina", "Katharina", "Laura",
             "Sarah", "Lisa", "Jennifer", "Jessica", "Nina", "Lena", "Lea", "Sophie", "Maria",
             "Monika", "Birgit", "Heike", "Martina", "Tanja", "Kerstin", "Daniela", "Anja",
             "Simone", "Silke", "Nadine", "Yvonne", "Jana", "Franziska", "Johanna", "Hannah",
             "Vanessa", "Marie", "Michelle", "Jasmin", "Elisabeth", "Ute", "Gabriele",
             "Karin", "Manuela", "Sonja", "Bärbel"),
            ("Thomas", "Michael", "Andreas", "Stefan", "Christian", "Daniel", "Markus",
             "Alexander", "Sebastian", "Martin", "Tobias", "Jan", "Florian", "Matthias",
             "Frank", "Jürgen", "Jörg", "Uwe", "Dirk", "Torsten", "Sven", "Björn", "Oliver",
             "Tim", "Dennis", "Patrick", "Philipp", "David", "Simon", "Johannes",
             "Maximilian", "Lukas", "Jonas", "Felix", "Max", "Paul", "Niklas", "Moritz",
             "Leon", "Benjamin", "Kevin", "Marcel", "Dominik", "Ralf", "Holger", "Peter",
             "Wolfgang", "Klaus", "Jens", "Kai", "Lars", "Sören", "Timo", "Julian", "Fabian"),
            ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
             "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
             "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
             "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
             "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer",
             "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
             "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger",
             "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
             "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer",
             "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich"),
            (("Berlin", 52.52, 13.40), ("Hamburg", 53.55, 9.99), ("Munich", 48.14, 11.58),
             ("Cologne", 50.94, 6.96), ("Oldenburg", 53.14, 8.21)),
            (("10070000", "Deutsche Bank", "DEUTDEBB"), ("10040000", "Commerzbank", "COBADEBB"),
             ("10050000", "Berliner Sparkasse", "BELADEBE")),
            True, 0, "C99AA99A9", "A-AA 9999", "EUR",
        ),
        Country(
            "IT", DESTINATION, "Latin",
            ("Francesca", "Giulia", "Chiara", "Sara", "Valentina", "Elena", "Martina",
             "Federica", "Silvia", "Alessandra", "Laura", "Anna", "Maria", "Paola", "Roberta",
             "Monica", "Barbara", "Simona", "Claudia", "Daniela", "Elisa", "Giovanna",
             "Alessia", "Serena", "Cristina", "Antonella", "Sabrina", "Veronica", "Stefania",
             "Manuela", "Michela", "Ilaria", "Valeria", "Giorgia", "Sofia", "Alice", "Aurora",
             "Beatrice", "Rosa", "Angela", "Teresa", "Lucia", "Patrizia", "Caterina",
             "Margherita", "Emanuela", "Eleonora", "Arianna", "Noemi", "Nicoletta"),
            ("Marco", "Andrea", "Luca", "Giuseppe", "Francesco", "Alessandro", "Antonio",
             "Giovanni", "Roberto", "Stefano", "Matteo", "Paolo", "Lorenzo", "Davide",
             "Simone", "Massimo", "Fabio", "Federico", "Salvatore", "Vincenzo", "Mario",
             "Riccardo", "Emanuele", "Gabriele", "Daniele", "Domenico", "Michele", "Claudio",
             "Alberto", "Maurizio", "Pietro", "Nicola", "Filippo", "Enrico", "Tommaso",
             "Giorgio", "Carlo", "Angelo", "Raffaele", "Leonardo", "Cristian", "Gianluca",
             "Fabrizio", "Sergio", "Luigi", "Franco", "Diego", "Mattia", "Edoardo", "Nicolò"),
            ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
             "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
             "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro",
             "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo",
             "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis",
             "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri",
             "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis",
             "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
             "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi",
             "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Caputo",
             "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore"),
            (("Rome", 41.90, 12.50), ("Milan", 45.46, 9.19), ("Naples", 40.85, 14.27),
             ("Foggia", 41.46, 15.55), ("Latina", 41.47, 12.90)),
            (("0306909606", "Intesa Sanpaolo", "BCITITMM"), ("0200805364", "UniCredit",
             "UNCRITMM"), ("0103002800", "Monte dei Paschi di Siena", "PASCITMM")),
            True, 0, "AA9999999", "AA999AA", "EUR",
        ),
    )
}

DEFAULT_COUNTRIES: tuple[str, ...] = tuple(COUNTRIES)

# Border crossing points on the usual legs, with the mode of transport across them; any other
# leg is flown, through the airport of the destination's first city.
CROSSINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("UA", "PL"): ("Shehyni–Medyka", "bus"),
    ("PL", "DE"): ("Świecko–Frankfurt (Oder)", "bus"),
    ("DE", "IT"): ("Brenner Pass", "bus"),
    ("MA", "IT"): ("Port of Genoa", "boat"),
}
LAND_NEIGHBOURS = {pair for pair, (_, mode) in CROSSINGS.items() if mode == "bus"}


def crossing(origin: str, destination: str) -> tuple[str, str]:
    """Where a leg crosses the border, and the usual mode of transport for it."""
    known = CROSSINGS.get((origin, destination))
    if known is not None:
        return known
    city = COUNTRIES[destination].cities[0][0] if destination in COUNTRIES else destination
    return f"{city} airport", "air"


@cache
def _mobile_prefix(code: str) -> tuple[int, str]:
    example = phonenumbers.example_number_for_type(code, PhoneNumberType.MOBILE)
    if example is None:  # pragma: no cover - every profiled country has one
        raise ValueError(f"phonenumbers has no mobile example for {code}")
    digits = str(example.national_number)
    return int(example.country_code or 0), digits[:-6]


def mobile(rng: random.Random, code: str) -> str:
    """A valid mobile number of country ``code`` in E.164, random in its last six digits."""
    calling, prefix = _mobile_prefix(code)
    return f"+{calling}{prefix}{rng.randrange(10**6):06d}"


_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def pattern_text(rng: random.Random, pattern: str) -> str:
    """Fill a document or plate pattern: A a letter, 9 a digit, anything else kept."""
    return "".join(
        rng.choice(_LETTERS) if ch == "A" else str(rng.randrange(10)) if ch == "9" else ch
        for ch in pattern
    )


def _mod97_check(country: str, bban: str) -> str:
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


def account_number(rng: random.Random, code: str, bank: int) -> tuple[str, str]:
    """(IBAN, "") for an IBAN country, else ("", domestic number), at bank ``bank`` of its list.

    IBANs get a random account part and correct check digits; Italian ones a random CIN letter,
    which IBAN validation does not check.
    """
    country = COUNTRIES[code]
    bank_code = country.banks[bank][0]
    if not country.iban:
        first = str(rng.randrange(1, 10))
        rest = "".join(str(rng.randrange(10)) for _ in range(country.account_digits - 1))
        return "", first + rest
    lengths = {"UA": 29, "PL": 28, "DE": 22, "IT": 27}
    digits = lengths[code] - 4 - len(bank_code) - (1 if code == "IT" else 0)
    if code == "PL":  # bank code already carries its own check digit
        body = bank_code + "".join(str(rng.randrange(10)) for _ in range(digits))
    elif code == "IT":
        body = rng.choice("ABCDEFGHIJ") + bank_code + "".join(
            str(rng.randrange(10)) for _ in range(digits)
        )
    elif code == "UA":
        body = bank_code + "0" * 5 + "".join(str(rng.randrange(10)) for _ in range(digits - 5))
    else:
        body = bank_code + "".join(str(rng.randrange(10)) for _ in range(digits))
    return f"{code}{_mod97_check(code, body)}{body}", ""
