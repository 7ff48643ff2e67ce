"""Fictitious people for the investigations benchmarks: cross-script name pairs and duplicated records.

Seeded and deterministic (random.Random(seed)) at any size. The names are assembled from common given
names, surnames and fathers' names; no record is a real person.

person_pairs(n, seed)       (id, record a, record b, is_match): about half true matches, one person as two
                            agencies wrote them (a different transliteration scheme on each side, the
                            patronymic dropped, the order reversed, a typo, the Russian form of a Ukrainian
                            given name, a surname-only fragment), and half HARD non-matches (same surname,
                            same given name, a similar-looking name, siblings born a few years apart,
                            namesakes with the very same name).
person_records(n, seed)     (record id, cluster id, record, phone, document number) for a dedupe benchmark.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import iuliia

from alliance.investigations.domain.matching import PersonRecord
from alliance.investigations.domain.transliteration import KAZAKH_2021, UKRAINIAN_2010

# --- Name pools (Cyrillic as written in the person's own documents) -------------------------------------
RU_MALE = ["Александр", "Алексей", "Анатолий", "Андрей", "Антон", "Аркадий", "Арсений", "Артём", "Борис", "Вадим",
           "Валентин", "Валерий", "Василий", "Виктор", "Виталий", "Владимир", "Владислав", "Вячеслав", "Геннадий",
           "Георгий", "Глеб", "Григорий", "Даниил", "Денис", "Дмитрий", "Евгений", "Егор", "Игорь", "Илья", "Иван",
           "Кирилл", "Константин", "Лев", "Леонид", "Максим", "Матвей", "Михаил", "Никита", "Николай", "Олег", "Павел",
           "Пётр", "Роман", "Руслан", "Семён", "Сергей", "Станислав", "Степан", "Тимофей", "Тимур", "Фёдор", "Юрий",
           "Яков", "Ярослав", "Эдуард", "Филипп", "Захар", "Марк", "Вениамин", "Ростислав"]
RU_FEMALE = ["Александра", "Алёна", "Алина", "Алиса", "Алла", "Анастасия", "Ангелина", "Анна", "Антонина", "Валентина",
             "Валерия", "Вера", "Вероника", "Виктория", "Галина", "Дарья", "Диана", "Евгения", "Екатерина", "Елена",
             "Елизавета", "Жанна", "Зинаида", "Зоя", "Инна", "Ирина", "Карина", "Кира", "Кристина", "Ксения", "Лариса",
             "Лидия", "Любовь", "Людмила", "Маргарита", "Марина", "Мария", "Милана", "Надежда", "Наталья", "Нина",
             "Оксана", "Ольга", "Полина", "Раиса", "Светлана", "София", "Тамара", "Татьяна", "Ульяна", "Эльвира",
             "Юлия", "Яна", "Арина", "Варвара", "Василиса", "Дина", "Эвелина", "Регина", "Снежана"]
UA_MALE = ["Олександр", "Олексій", "Андрій", "Богдан", "Василь", "Віктор", "Віталій", "Володимир", "Всеволод",
           "Григорій", "Дмитро", "Євген", "Іван", "Ігор", "Костянтин", "Леонід", "Любомир", "Максим", "Микола",
           "Михайло", "Назар", "Олег", "Остап", "Павло", "Петро", "Роман", "Сергій", "Станіслав", "Степан", "Тарас",
           "Юрій", "Ярослав", "Орест", "Мирослав", "Устим", "Зиновій", "Тимофій", "Федір", "Яким", "Захар"]
UA_FEMALE = ["Олександра", "Алла", "Анна", "Богдана", "Валентина", "Віра", "Вікторія", "Галина", "Ганна", "Дарина",
             "Євгенія", "Катерина", "Олена", "Ірина", "Лариса", "Леся", "Людмила", "Мар’яна", "Марія", "Надія",
             "Наталія", "Оксана", "Ольга", "Любов", "Соломія", "Софія", "Тетяна", "Христина", "Юлія", "Ярина",
             "Зоряна", "Уляна", "Іванна", "Мирослава", "Орися", "Калина", "Василина", "Стефанія", "Лілія", "Нінель"]
KZ_MALE = ["Айдар", "Айбек", "Алмас", "Арман", "Асхат", "Аслан", "Асылбек", "Бауыржан", "Болат", "Дамир", "Данияр",
           "Ерлан", "Ержан", "Жандос", "Жанибек", "Қайрат", "Қанат", "Мақсат", "Марат", "Мейрам", "Нұрлан", "Нұржан",
           "Олжас", "Руслан", "Серік", "Талғат", "Темірлан", "Тимур", "Ұлан", "Шыңғыс", "Әділ", "Ербол", "Бекзат",
           "Дәулет", "Ғалым"]
KZ_FEMALE = ["Айгерім", "Айгүл", "Айжан", "Айнұр", "Ақмарал", "Алия", "Асель", "Әсем", "Балжан", "Гүлнар", "Гүлмира",
             "Динара", "Жанар", "Жанна", "Жұлдыз", "Зарина", "Индира", "Камила", "Ләззат", "Мадина", "Мөлдір",
             "Назерке", "Нұргүл", "Салтанат", "Сәуле", "Томирис", "Ұлжан", "Шолпан", "Әйгерім", "Дана", "Меруерт",
             "Раушан", "Бибігүл"]
RU_SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
               "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
               "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
               "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров",
               "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов",
               "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
               "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
               "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
               "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов",
               "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
               "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев",
               "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков",
               "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов",
               "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков",
               "Горбунов", "Анисимов", "Еремин", "Тихомиров", "Галкин", "Лукьянов", "Михеев", "Скворцов", "Юдин",
               "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев", "Цветков", "Левин", "Митрофанов",
               "Воронцов", "Ситников", "Шестаков", "Хохлов", "Шубин", "Брагин", "Щукин", "Жданов", "Шилов", "Ерёмин",
               "Мухин", "Дьячков", "Ширяев"]
RU_SKY = ["Горский", "Вишневский", "Покровский", "Успенский", "Завадский", "Ковальский", "Островский", "Жуковский",
          "Рыбинский"]
UA_SURNAMES = ["Мельник", "Шевченко", "Бойко", "Коваленко", "Бондаренко", "Ткаченко", "Ковальчук", "Кравченко",
               "Олійник", "Шевчук", "Поліщук", "Лисенко", "Бондар", "Марченко", "Мороз", "Руденко", "Савченко",
               "Петренко", "Клименко", "Павленко", "Кравчук", "Кузьменко", "Левченко", "Гончаренко", "Ярошенко",
               "Харченко", "Сидоренко", "Карпенко", "Василенко", "Мартинюк", "Литвиненко", "Романюк", "Нестеренко",
               "Мельничук", "Панченко", "Тимошенко", "Гуменюк", "Дорошенко", "Пономаренко", "Костенко", "Зінченко",
               "Шаповал", "Гнатюк", "Гаврилюк", "Білик", "Стасюк", "Федорчук", "Вакуленко", "Остапенко", "Юрченко",
               "Мазур", "Демченко", "Кушнір", "Приходько", "Данилюк", "Проценко", "Ющенко", "Лозинський", "Семенюк",
               "Гордієнко", "Іваницький", "Дячук", "Білоус", "Савчук", "Рибак", "Химич", "Головко", "Тарасенко",
               "Лук’яненко", "Євтушенко", "Гребенюк", "Дмитренко", "Фесенко", "Яковенко", "Онищенко", "Гуцул", "Жук",
               "Сорока", "Чорновол", "Грищенко", "Процюк"]
KZ_SURNAMES = ["Ахметов", "Абдрахманов", "Жумабаев", "Нұрланов", "Серікбаев", "Әбілов", "Оспанов", "Сейітов",
               "Қасымов", "Бекмұхамбетов", "Тұрсынов", "Ермеков", "Смағұлов", "Жақсыбеков", "Ибраев", "Мұқанов",
               "Сәрсенбаев", "Құдайбергенов", "Омаров", "Баймұханов", "Есенов", "Тоқаев", "Қайыров", "Нұрмағамбетов",
               "Жұмағұлов", "Мамыров", "Шәріпов", "Әлиев", "Дүйсенов", "Бейсенов", "Рахимов", "Сұлтанов", "Темірбеков",
               "Ғабдуллин", "Кенжебаев", "Молдабеков", "Үсенов", "Мырзахметов", "Аманов", "Қожахметов"]
# A Ukrainian's given name on a Russian-language document is often its Russian form.
UA_TO_RU = {"Олександр": "Александр", "Олексій": "Алексей", "Андрій": "Андрей", "Дмитро": "Дмитрий",
            "Григорій": "Григорий", "Євген": "Евгений", "Микола": "Николай", "Михайло": "Михаил",
            "Павло": "Павел", "Петро": "Пётр", "Сергій": "Сергей", "Юрій": "Юрий", "Федір": "Фёдор",
            "Олена": "Елена", "Ганна": "Анна", "Катерина": "Екатерина", "Наталія": "Наталья", "Тетяна": "Татьяна",
            "Надія": "Надежда", "Ольга": "Ольга", "Юлія": "Юлия", "Віра": "Вера", "Іван": "Иван", "Ігор": "Игорь",
            "Віктор": "Виктор", "Володимир": "Владимир", "Василь": "Василий", "Ірина": "Ирина"}
# Arabic given and family names in Arabic script with the Latin spellings agencies write.
ARABIC_MALE = {
    "محمد": ["Mohammed", "Muhammad", "Mohamed", "Mohammad"], "أحمد": ["Ahmed", "Ahmad"],
    "علي": ["Ali", "Aly"], "حسن": ["Hassan", "Hasan"], "حسين": ["Hussein", "Hussain", "Husayn"],
    "عمر": ["Omar", "Umar"], "خالد": ["Khalid", "Khaled"], "يوسف": ["Youssef", "Yusuf", "Yousef"],
    "إبراهيم": ["Ibrahim", "Ebrahim"], "عبد الله": ["Abdullah", "Abdallah", "Abd Allah"],
    "مصطفى": ["Mustafa", "Moustafa", "Mostafa"], "محمود": ["Mahmoud", "Mahmud"], "سعيد": ["Said", "Saeed"],
    "كريم": ["Karim", "Kareem"], "طارق": ["Tariq", "Tarek"], "ياسر": ["Yasser", "Yasir"],
    "سامي": ["Sami", "Samy"], "فيصل": ["Faisal", "Faysal"], "ماجد": ["Majid", "Majed"], "نبيل": ["Nabil", "Nabeel"],
    "وليد": ["Walid", "Waleed"], "هشام": ["Hisham", "Hicham"], "جمال": ["Jamal", "Gamal"], "رامي": ["Rami", "Ramy"],
    "عادل": ["Adel", "Adil"], "منصور": ["Mansour", "Mansur"], "ناصر": ["Nasser", "Nasir"], "بلال": ["Bilal"],
    "حمزة": ["Hamza", "Hamzah"], "زياد": ["Ziad", "Ziyad"], "أنس": ["Anas"], "إسماعيل": ["Ismail", "Ismael"],
}
ARABIC_FEMALE = {
    "فاطمة": ["Fatima", "Fatma", "Fatimah"], "عائشة": ["Aisha", "Aicha", "Ayesha"], "مريم": ["Maryam", "Mariam"],
    "زينب": ["Zainab", "Zeinab", "Zaynab"], "خديجة": ["Khadija", "Khadijah"], "نور": ["Nour", "Noor", "Nur"],
    "ليلى": ["Layla", "Leila", "Laila"], "سارة": ["Sara", "Sarah"], "هدى": ["Huda", "Hoda"],
    "أمينة": ["Amina", "Aminah"], "سلمى": ["Salma", "Selma"], "رانيا": ["Rania", "Ranya"],
    "ياسمين": ["Yasmin", "Yasmine"],
    "دينا": ["Dina", "Deena"], "هبة": ["Heba", "Hiba"], "منى": ["Mona", "Muna"], "رشا": ["Rasha"], "سمر": ["Samar"],
    "لينا": ["Lina", "Leena"], "نادية": ["Nadia", "Nadiya"],
}
ARABIC_FAMILY = {
    "الحسن": ["al-Hassan", "El Hassan", "Alhassan"], "الرشيد": ["al-Rashid", "Al Rashid", "Elrashid"],
    "حداد": ["Haddad", "Hadad"], "منصور": ["Mansour", "Mansur"], "سليمان": ["Suleiman", "Sulaiman", "Soliman"],
    "خليل": ["Khalil", "Khaleel"], "عثمان": ["Othman", "Osman", "Uthman"], "صالح": ["Saleh", "Salih"],
    "النجار": ["al-Najjar", "El Naggar", "Alnajjar"], "الخطيب": ["al-Khatib", "El Khatib", "Alkhatib"],
    "يوسف": ["Youssef", "Yousef"], "عباس": ["Abbas"], "قاسم": ["Qasim", "Kassem", "Kasim"], "داود": ["Dawood", "Daoud"],
    "حمدان": ["Hamdan"], "الزين": ["al-Zein", "El Zein"], "شريف": ["Sharif", "Cherif"], "بكر": ["Bakr", "Bakir"],
    "العلي": ["al-Ali", "Al Ali"], "التميمي": ["al-Tamimi", "Al Tamimi", "Altamimi"], "جابر": ["Jaber", "Jabir"],
    "عيسى": ["Issa", "Eissa"], "المصري": ["al-Masri", "El Masry"], "الشامي": ["al-Shami", "El Shami"],
    "نصر": ["Nasr", "Nassar"], "فرح": ["Farah"], "عواد": ["Awad", "Awwad"], "سعد": ["Saad", "Saad"],
}
# Schemes the documents are written in; more than the matcher knows about, as in the field.
RU_SCHEMES = [iuliia.ICAO_DOC_9303, iuliia.BGN_PCGN, iuliia.GOST_779, iuliia.WIKIPEDIA, iuliia.MOSMETRO,
              iuliia.BS_2979_ALT, iuliia.ALA_LC_ALT, iuliia.GOST_16876_ALT, iuliia.MVD_310, iuliia.YANDEX_MONEY]
UA_SCHEMES = [UKRAINIAN_2010, UKRAINIAN_2010, iuliia.ICAO_DOC_9303, iuliia.BGN_PCGN]
KZ_SCHEMES = [KAZAKH_2021, iuliia.ICAO_DOC_9303, iuliia.BGN_PCGN, iuliia.WIKIPEDIA]
COUNTRIES = {"ru": ["RU", "BY", "MD"], "ua": ["UA", "MD"], "kz": ["KZ", "KG"], "ar": ["SY", "IQ", "EG", "JO", "MA"]}
LATIN_LETTERS = "abcdefghijklmnoprstuvyz"
CYRILLIC_LETTERS = "абвгдеиклмнопрстуя"
ARABIC_LETTERS = "ابتدرسعفقلمنهوي"
# A Russian scheme has no letters for Kazakh and Ukrainian ones; the issuing office writes the nearest Russian.
TO_RUSSIAN = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
                            "і": "и", "ї": "йи", "є": "е", "ґ": "г", "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н",
                            "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х", "І": "И", "Ї": "Йи", "Є": "Е", "Ґ": "Г"})


# --- One fictitious person and the ways they are written ---------------------------------------------------
def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    if surname.endswith("ський"):
        return surname[:-5] + "ська"
    return surname  # -енко, -чук, Мельник: one form for both


def _patronymic(father: str, female: bool, culture: str) -> str:
    if culture == "kz" and father in KZ_MALE:
        return father + (" қызы" if female else " ұлы") if len(father) % 3 == 0 else \
            father + ("қызы" if female else "ұлы")
    stem = father
    if culture == "ua":
        for end, rest in (("ій", "і"), ("о", ""), ("а", ""), ("ь", "")):
            if stem.endswith(end):
                stem = stem[: -len(end)] + rest
                break
        if stem.endswith("і"):
            return stem + ("ївна" if female else "йович")
        return stem + ("івна" if female else "ович")
    if stem.endswith(("ий", "ей")):
        return stem[:-1] + ("евна" if female else "евич")
    if stem.endswith("а"):
        return stem[:-1] + ("ична" if female else "ич")
    if stem.endswith("ь"):
        return stem[:-1] + ("евна" if female else "евич")
    return stem + ("овна" if female else "ович")


class Person:
    """A fictitious person: name in their own script, birth date, country."""

    def __init__(self, rng: random.Random, culture: str | None = None, female: bool | None = None) -> None:
        self.culture = culture or rng.choices(["ru", "ua", "kz", "ar"], weights=[35, 25, 15, 25])[0]
        self.female = rng.random() < 0.5 if female is None else female
        self.given = self._given(rng)
        self.family = self._family(rng)
        self.father = self._father(rng)
        self.birth = (rng.randrange(1962, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
        self.country = rng.choice(COUNTRIES[self.culture])

    def _given(self, rng: random.Random) -> str:
        pools = {"ru": (RU_MALE, RU_FEMALE), "ua": (UA_MALE, UA_FEMALE), "kz": (KZ_MALE, KZ_FEMALE),
                 "ar": (list(ARABIC_MALE), list(ARABIC_FEMALE))}
        return rng.choice(pools[self.culture][self.female])

    def _family(self, rng: random.Random) -> str:
        if self.culture == "ar":
            return rng.choice(list(ARABIC_FAMILY))
        pool = {"ru": RU_SURNAMES + RU_SKY, "ua": UA_SURNAMES, "kz": KZ_SURNAMES}[self.culture]
        return rng.choice(pool)

    def _father(self, rng: random.Random) -> str:
        pool = {"ru": RU_MALE, "ua": UA_MALE, "kz": KZ_MALE + RU_MALE[:20], "ar": list(ARABIC_MALE)}[self.culture]
        return rng.choice(pool)

    def sibling(self, rng: random.Random) -> Person:
        other = Person.__new__(Person)
        other.culture, other.family, other.father, other.country = self.culture, self.family, self.father, self.country
        other.female = rng.random() < 0.5
        other.given = other._given(rng)
        while other.given == self.given:
            other.given = other._given(rng)
        year = self.birth[0] + rng.choice([-1, 1]) * rng.randrange(1, 7)
        other.birth = (year, rng.randrange(1, 13), rng.randrange(1, 29))
        return other

    def written(self, rng: random.Random, *, avoid: object = None) -> tuple[str, object]:
        """The name as one agency wrote it, and the scheme it used (so that the other side can use another)."""
        if self.culture == "ar":
            return self._written_arabic(rng, avoid)
        family = _feminine(self.family) if self.female else self.family
        given = self.given
        if self.culture == "ua" and given in UA_TO_RU and rng.random() < 0.3:
            given = UA_TO_RU[given]  # the Russian-language raid report
        with_patronymic = (self.culture != "ua" and rng.random() < 0.5) or rng.random() < 0.15
        patronymic = _patronymic(self.father, self.female, self.culture) if with_patronymic else ""
        schemes = {"ru": RU_SCHEMES, "ua": UA_SCHEMES, "kz": KZ_SCHEMES}[self.culture]
        if rng.random() < 0.3 and avoid != "cyrillic":  # a Russian- or Kazakh-language document: Cyrillic
            scheme: object = "cyrillic"
            order = rng.random()
            parts = [family, given, patronymic] if order < 0.4 else [given, patronymic, family]
            return " ".join(p for p in parts if p), scheme
        scheme = rng.choice([s for s in schemes if s is not avoid] or schemes)

        def render(text: str) -> str:
            own = scheme in (UKRAINIAN_2010, KAZAKH_2021)
            return scheme.translate(text if own else text.translate(TO_RUSSIAN)).replace("·", "")

        given_l, family_l = render(given), render(family)
        patronymic_l = render(patronymic) if patronymic else ""
        if scheme is iuliia.ICAO_DOC_9303 and rng.random() < 0.6:  # the machine-readable zone
            return " ".join(p for p in (family_l.upper(), given_l.upper(), patronymic_l.upper()) if p), scheme
        if rng.random() < 0.2:
            return " ".join(p for p in (family_l, given_l, patronymic_l) if p), scheme
        return " ".join(p for p in (given_l, patronymic_l, family_l) if p), scheme

    def _written_arabic(self, rng: random.Random, avoid: object) -> tuple[str, object]:
        pools = ARABIC_FEMALE if self.female else ARABIC_MALE
        with_father = rng.random() < 0.35
        if rng.random() < 0.35 and avoid != "arabic":
            father = f" {'بنت' if self.female else 'بن'} {self.father}" if with_father else ""
            return f"{self.given}{father} {self.family}", "arabic"
        given = rng.choice(pools[self.given])
        family = rng.choice(ARABIC_FAMILY[self.family])
        if with_father:
            family = f"{'bint' if self.female else 'bin'} {rng.choice(ARABIC_MALE[self.father])} {family}"
        if rng.random() < 0.2:
            return f"{family.split()[-1].upper()} {given.upper()}", "latin"
        return f"{given} {family}", "latin"


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) < 4:
        return name
    letters = (CYRILLIC_LETTERS if any("а" <= c.lower() <= "я" for c in word)
               else ARABIC_LETTERS if any("\u0600" <= c <= "\u06ff" for c in word) else LATIN_LETTERS)
    j = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.35:
        word = word[:j] + rng.choice(letters) + word[j + 1:]
    elif kind < 0.6:
        word = word[:j] + word[j + 1:]
    elif kind < 0.85:
        word = word[:j] + rng.choice(letters) + word[j:]
    elif j < len(word) - 1:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    if words[i].isupper():
        word = word.upper()
    words[i] = word
    return " ".join(words)


def _surname_only(rng: random.Random, person: Person) -> str:
    _name, scheme = person.written(rng)
    family = _feminine(person.family) if person.female and person.culture != "ar" else person.family
    if scheme in ("cyrillic", "arabic"):
        return family
    if scheme == "latin":
        return rng.choice(ARABIC_FAMILY[person.family])
    return scheme.translate(family.translate(TO_RUSSIAN)).replace("·", "")


def _birth(rng: random.Random, person: Person, *, true_copy: bool) -> str | None:
    if rng.random() >= 0.7:
        return None
    year, month, day = person.birth
    if true_copy:
        error = rng.random()
        if error < 0.05:
            day = day + 1 if day < 28 else day - 1  # keyed in a day off
        elif error < 0.08 and day <= 12:
            month, day = day, month  # day and month read the other way round
        elif error < 0.10:
            year += rng.choice([-1, 1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def _country(rng: random.Random, person: Person, *, true_copy: bool) -> str | None:
    if rng.random() >= 0.6:
        return None
    if true_copy and rng.random() < 0.9:
        return person.country
    return rng.choice(COUNTRIES[person.culture]) if rng.random() < 0.8 else rng.choice(["DE", "PL", "TR", "GB"])


def _record(rng: random.Random, person: Person, *, avoid: object = None, noisy: bool = True,
            true_copy: bool = True) -> tuple[PersonRecord, object]:
    name, scheme = person.written(rng, avoid=avoid)
    if noisy and rng.random() < 0.15:
        name = _typo(rng, name)
    return PersonRecord(name=name, birth_date=_birth(rng, person, true_copy=true_copy),
                        country=_country(rng, person, true_copy=true_copy)), scheme


def _similar_name(rng: random.Random, person: Person) -> Person:
    """Another person whose given name or surname looks like this one's (Alina/Alena, Petrenko/Pavlenko)."""
    from rapidfuzz.distance import JaroWinkler

    other = Person(rng, person.culture, person.female)
    other.country = person.country
    if rng.random() < 0.5:
        other.family = person.family
        candidates = [other._given(rng) for _ in range(12)]
        candidates = [c for c in candidates if c != person.given] or [other.given]
        other.given = max(candidates, key=lambda c: JaroWinkler.similarity(c, person.given))
    else:
        other.given = person.given
        candidates = [other._family(rng) for _ in range(12)]
        candidates = [c for c in candidates if c != person.family] or [other.family]
        other.family = max(candidates, key=lambda c: JaroWinkler.similarity(c, person.family))
    return other


def person_pairs(n: int, seed: int = 1) -> list[tuple[str, PersonRecord, PersonRecord, bool]]:
    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        person = Person(rng)
        if rng.random() < 0.5:
            a, scheme = _record(rng, person)
            if rng.random() < 0.04:  # a fragment that kept only the surname
                b = PersonRecord(_surname_only(rng, person), _birth(rng, person, true_copy=True),
                                 _country(rng, person, true_copy=True))
            else:
                b, _ = _record(rng, person, avoid=scheme)
            pairs.append((f"p{i:07d}", a, b, True))
            continue
        kind = rng.random()
        if kind < 0.25:  # same surname, another given name
            other = Person(rng, person.culture, person.female)
            other.family = person.family
            while other.given == person.given:
                other.given = other._given(rng)
        elif kind < 0.5:  # same given name, another surname
            other = Person(rng, person.culture, person.female)
            other.given = person.given
            while other.family == person.family:
                other.family = other._family(rng)
        elif kind < 0.75:
            other = _similar_name(rng, person)
        elif kind < 0.93:
            other = person.sibling(rng)
        else:  # a namesake: a common name is held by many people, told apart only by birth date and country
            other = Person(rng, person.culture, person.female)
            other.given, other.family = person.given, person.family
        a, scheme = _record(rng, person, true_copy=False)
        b, _ = _record(rng, other, avoid=scheme, true_copy=False)
        pairs.append((f"p{i:07d}", a, b, False))
    return pairs


def person_records(n: int, seed: int = 1, duplicate_rate: float = 0.3
                   ) -> list[tuple[str, str, PersonRecord, str | None, str | None]]:
    """Records of people, some people recorded more than once (by different agencies) under one cluster id."""
    rng = random.Random(seed)
    out: list[tuple[str, str, PersonRecord, str | None, str | None]] = []
    cluster = 0
    while len(out) < n:
        person = Person(rng)
        cluster_id = f"c{cluster:07d}"
        cluster += 1
        phone = f"+{rng.choice(['7', '380', '77', '963'])}{rng.randrange(10**8, 10**9)}" if rng.random() < 0.6 \
            else None
        document = f"{rng.choice('ABCEHKMPTX')}{rng.choice('ABCEHKMPTX')}{rng.randrange(10**6, 10**7)}" \
            if rng.random() < 0.5 else None
        copies = 1 + (rng.choice([1, 1, 1, 2, 2, 3]) if rng.random() < duplicate_rate else 0)
        scheme = None
        for _ in range(copies):
            if len(out) >= n:
                break
            record, scheme = _record(rng, person, avoid=scheme)
            # Each agency holds what it was told: a phone or a document number only sometimes.
            out.append((f"r{len(out):07d}", cluster_id, record, phone if rng.random() < 0.6 else None,
                        document if rng.random() < 0.5 else None))
    return out
