/**
 * Names for countries that `Intl.DisplayNames` does not give: capitals, regions and cities
 * in the news, leaders and institutions that stand for a country, demonyms that do not begin
 * with the country's name, and abbreviations. One line a country: its ISO 3166-1 alpha-2 code,
 * then names separated by `|`, written in the phrase syntax of `phrases.ts` (`Kyiv`, `Харків*`,
 * `^US`). Names that the display names already give, and their inflections, need no line.
 */
export const EDITORIAL_NAMES = `
AD Andorra la Vella
AE UAE|Emirati|Abu Dhabi|Dubai
AF Afghan|Afghans|Kabul|Taliban|Талибан*|Талібан*|Кабул*|Афган*
AG Antigua and Barbuda|Antiguan|St John's
AL Tirana
AM Yerevan|Ереван*|Єреван*|Армени*|Вірмен*
AO Luanda|Angolan|Huambo|Ангол*
AR Buenos Aires
AT Vienna
AU Canberra|Australian|Sydney|Австрали*|Австралі*
AX Aland
AZ Azeri|Baku|Karabakh|Kalbajar|Азербайджан*|Карабах*|Баку
BA Bosnia and Herzegovina|Bosnia|Bosnian|Sarajevo|Bosnien|Bosnie|Босния|Босни*|Сараев*
BB Bridgetown
BD Dhaka|Rohingya
BE Belgian|Brussels|Bruxelles|Brüssel|Bruselas|Брюссел*|Брюсел*|Бельги*|Бельгі*
BF Burkinabe|Ouagadougou
BG Sofia
BH Manama
BI Gitega
BJ Porto-Novo
BL Saint Barthélemy|St Barts
BN Bandar Seri Begawan
BO La Paz|Sucre
BQ Bonaire
BR Brasilia|Brazilian|brasileñ*|brésilien*|brasilianisch*|Бразили*|Бразилі*
BS Bahamian|Nassau
BT Thimphu
BW Motswana|Gaborone
BY Belorussian|Minsk|Weißrussland|Белоруссии|Белорус*|Білорус*|Минск*|Мінськ*|Лукашенк*|Lukashenko
BZ Belmopan
CA Ottawa|Canadian|Canadians|canadien*|kanadisch*|canadiense*|Канад*
CD Democratic Republic of the Congo|DR Congo|DRC|Kinshasa|Goma
CF Centrafrique|Bangui
CG Republic of the Congo|Brazzaville
CH Swiss|Bern|Швейцари*|Швейцарі*
CI Côte d'Ivoire|Ivory Coast|Ivorian|Yamoussoukro|Abidjan
CL Santiago|Chilean|chilenisch*|chilien*|chilen*|Чили|Чилі|чилийск*|чилійськ*
CM Yaounde
CN Beijing|Chinese|Peking|Pékin|Pekín|Китай*|китайск*|китайськ*|Пекин*|Пекін*
CO Bogota|Colombian|Colombians|Bogotá|ELN|FARC|Колумби*|Колумбі*
CR San José
CU Havana
CV Praia
CY Cypriot|Nicosia
CZ Czech Republic|Czech|Prague|Чехи*|Чехі*
DE Berlin|Bundeswehr|Bundestag|German|Germans|Merz|Scholz|Германи*|Німеччин*|немецк*|німецьк*|Берлин*|Берлін*
DK Danish|Dane|Danes|Copenhagen|Дания|Дании|Данию|Данией|Данія|Данії
DM Roseau
DO Santo Domingo
DZ Algiers
EC Quito
EE Tallinn|Riigikogu|Эстон*|Естон*|estnisch*|estonien*|estoni*
EG Cairo|Egyptian|Египет*|Єгипет*|Єгипт*|Египт*
EH Sahrawi|Polisario
ER Asmara
ES Spanish|Spaniard|Madrid|espagnol*|spanisch*|Испани*|Іспані*
ET Addis Ababa|Tigray
FI Finnish|Finns|Helsinki|Eduskunta|Финлянд*|Фінлянд*|финск*|фінськ*|finnisch*|finlandais*|finland*
FJ Suva
FK Falklands|Malvinas
FM Palikir
FR French|Paris|Macron|Франци*|Франці*|французск*|французьк*|Париж*
GA Libreville
GB UK|U.K.|Britain|Great Britain|British|London|Downing Street|Whitehall|Großbritannien|Британія|britannique*|britisch*|británic*|Британ*|Лондон*
GD St George's
GE Tbilisi|Abkhazia|South Ossetia|Грузи*|Грузі*|Тбилис*|Тбіліс*
GF Guyane
GH Accra
GL Nuuk
GM Banjul
GN Conakry
GQ Malabo
GR Greek|Athens
GS South Georgia and the South Sandwich Islands|South Georgia
GT Guatemala City
GW Bissau
GY Georgetown
HK Hong Kong
HM Heard Island and McDonald Islands
HN Tegucigalpa
HR Zagreb|Croatian|Хорвати*|Хорваті*
HT Port-au-Prince
HU Budapest|Hungarian|Orbán|Orban|Венгри*|Угорщин*
ID Jakarta
IE Irish|Dublin
IL Jerusalem|IDF|Tel Aviv|Israël|Израил*|Ізраїл*|израильск*|ізраїльськ*
IM Manx
IN New Delhi|Indian|Delhi|Индия|Индии|Индию|Индией|Інді*|Дели|Делі
IO Chagos
IQ Baghdad|Mosul|Kurdistan|Iraqi|Iraqis|Ирак*|Ірак*|Багдад*|Мосул*
IR Tehran|Iranian|Iranians|Téhéran|Teherán|Иран*|Іран*|Тегеран*
IS Reykjavik
IT Rome|Italian|Rom|Roma|Итали*|Італі*
JM Kingston
JO Amman
JP Tokyo|Japanese|Япони*|Япон*|Токио
KE Nairobi
KG Kyrgyz|Bishkek
KH Khmer|Phnom Penh|Siem Reap|Battambang|Hun Sen|Hun Manet|Камбодж*|Пномпен*|камбоджийск*|камбоджійськ*
KI Tarawa
KM Comorian|Moroni
KN Saint Kitts and Nevis|St Kitts and Nevis|Basseterre
KP DPRK|Pyongyang|Северная Корея|North Korean|КНДР|Северн* Коре*|Північн* Коре*|Пхеньян*
KR Seoul|Южная Корея|South Korean|Южн* Коре*|Південн* Коре*|Сеул*
KW Kuwait City
KY Caymanian
KZ Kazakh|Astana|Казахстан*|Караганд*
LA Lao|Laotian|Vientiane|Xieng Khouang|Plain of Jars|Лаос*
LB Lebanese|Beirut|Hezbollah|Hisbollah|Hezbolá|Ливан*|Ліван*|Бейрут*|Хезболл*
LC Saint Lucia|St Lucia|Castries
LI Vaduz
LK Colombo|Jaffna
LR Monrovia
LS Basotho|Maseru
LT Vilnius|Seimas|Литв*|Литов*|litauisch*|lituanien*|lituan*
LV Riga|Saeima|Латви*|Латвій*|lettisch*|letton*|leton*
LY Tripoli|Benghazi|Libyan|Ливи*|Лівія|Лівії
MA Rabat
MC Monegasque
MD Chisinau|Transnistria|Moldau|Moldovan|Молдов*|Молдав*|Приднестров*|Придністров*
ME Podgorica
MF Saint Martin
MG Malagasy|Antananarivo
MH Marshallese|Majuro
MK Macedonian|Skopje
ML Bamako|Malian|^Малі|^Мали
MM Naypyidaw|Yangon|Rangoon|Kayah|Karenni|Rakhine|Shan State|М'янма|Burmese|birman*|Мьянм*|М'янм*
MN Ulaanbaatar|Inner Mongolia
MO Macao|Macau
MR Nouakchott
MT Valletta
MU Mauritian|Port Louis
MV Maldivian|Malé
MW Lilongwe
MX Mexico City|Mexican|mexicain*|mexicano*|mexikanisch*|Мексик*
MY Kuala Lumpur
MZ Mozambican|Maputo|Мозамбик*
NA Windhoek
NE Niamey
NG Abuja|Lagos|Nigerian|Нигери*|Нігері*
NI Managua
NL Dutch|Holland|Amsterdam|The Hague|Den Haag|La Haye|Нидерланд*|Нідерланд*|Гаага
NO Norwegian|Oslo|norvégien*|norwegisch*|noruego*|Норвеги*|Норвегі*
NP Kathmandu
NZ Wellington|Aotearoa|Waitangi|Нов* Зеланди*|Нов* Зеланді*
OM Muscat
PA Panama City
PE Lima|Peruvian|péruvien*|peruano*|Перу
PF Tahiti
PG Port Moresby
PH Filipino|Manila|Mindanao
PK Islamabad|Kashmir|Pakistani|Пакистан*
PL Polish|Warsaw|Sejm|Warschau|Varsovie|Varsovia|Poles|polnisch*|polonais*|polac*|Польш*|Польщ*|Варшав*|польск*|польськ*
PM Saint Pierre and Miquelon
PN Pitcairn
PR San Juan
PS Palestine|Palestinian|Palestinians|Gaza|West Bank|Ramallah|Palästina|Gaza-Streifen|Gaza Streifen|Palestin*|^Газа|^Газе|^Газу|^Газы|^Газі|сектор* Газ*|Палестин*
PT Portuguese|Lisbon
PW Ngerulmud
PY Asunción
QA Doha
RO Bucharest|Romanian|Румыни*|Румуні*
RS Belgrade
RU Moscow|Kremlin|Putin|Duma|Москва|Кремль|Путин|Moskau|Moscou|Moscú|Kreml|Poutine|Kursk|Belgorod|Bryansk|Москв*|Кремл*|Путин*|Путін*|Госдум*|Держдум*|Курск*|Белгород*|Бєлгород*|Брянск*|Брянськ*|Российск*|Російськ*|РФ|Росси*|Росі*|россиян*|росіян*
RW Kigali
SA Saudi|Saudis|Riyadh|Саудовск*|Саудівськ*
SB Honiara
SC Seychellois|Victoria
SD Khartoum|Darfur|El Fasher|Sudanese|Судан*|Хартум*
SE Swedish|Stockholm|Швеци*|Швеці*
SH Saint Helena
SI Slovene|Ljubljana
SJ Svalbard and Jan Mayen|Svalbard
SK Slovak|Bratislava|Словаки*|Словаччин*
SL Freetown
SN Dakar|Casamance
SO Mogadishu|Al-Shabaab|Somali|Сомали|Сомалі
SR Paramaribo
SS Juba|South Sudanese|Южн* Судан*|Південн* Судан*
ST São Tomé and Príncipe|Sao Tome
SV San Salvador
SY Damascus|Aleppo|Idlib|Raqqa|Homs|Сири*|Сирі*|Дамаск*|Алеппо|Идлиб*|Ідліб*
SZ Swaziland|Swazi|Mbabane
TC Turks and Caicos Islands
TD N'Djamena
TG Lomé
TH Thai|Thais|Bangkok|Ubon Ratchathani|Surin|Sisaket|thaïlandais*|thailändisch*|tailandés|tailandes*|Таиланд*|Таїланд*|тайск*|тайськ*
TJ Tajik|Dushanbe
TL East Timor|Timorese|Dili
TM Turkmen|Ashgabat
TN Tunis
TO Nuku'alofa
TR Turkey|Turkish|Turks|Ankara|Istanbul|Türkiye|Turkiye|Erdogan|Erdoğan|Турци*|Туреччин*|Анкар*|Эрдоган*|Ердоган*
TT Trinidad and Tobago|Trinidadian|Port of Spain
TV Funafuti
TW Taipei
TZ Dodoma|Dar es Salaam
UA ~ukrain|Kyiv|Kiev|Kiew|Kiev's|Kharkiv|Kherson|Donbas|Donbass|Donetsk|Luhansk|Zaporizhzhia|Mykolaiv|Izium|Izyum|Odesa|Zelensky|Zelenskiy|Zelenskyy|Verkhovna Rada|Київ|Києва|Зеленськ|Зеленск|Kharkov|Charkiw|Cherson|Donezk|Lugansk|Zaporizhia|Saporischschja|Mykolajiw|Nikolaev|Isjum|Odessa|Sumy|Chernihiv|Dnipro|Bakhmut|Kramatorsk|Sloviansk|Pokrovsk|Selenskyj|Zelenski|Киев*|Київ*|Києв*|Харьков*|Харків*|Херсон*|Донецк*|Донецьк*|Донбас*|Луганск*|Луганськ*|Запорож*|Запоріж*|Николаев*|Миколаїв*|Изюм*|Ізюм*|Одесс*|Одес*|Сумы|Сумах|Сумщин*|Суми|Сумськ*|Чернигов*|Чернігів*|Днепр*|Дніпр*|Днепропетров*|Дніпропетров*|Бахмут*|Краматорськ*|Краматорск*|Славянск*|Слов'янськ*|Покровск*|Покровськ*|Зеленск*|Зеленськ*|Верховн* Рад*|Черкас*|Житомир*|Полтав*|Винниц*|Вінниц*|Львов*|Львів*|Ровн*|Рівн*|Волын*|Волин*|Закарпат*|Ивано Франков*|Івано Франків*|Тернопол*|Тернопіл*|Хмельниц*|Кировоград*|Кропивниц*|Кіровоград*|ЗСУ|ВСУ
UG Kampala
UM United States Minor Outlying Islands
US U.S.|US|USA|U.S.A.|America|American|Americans|Washington|Pentagon|White House|Biden|Trump|EE UU|EE.UU.|EEUU|США|Вашингтон|Вашингтон*|Пентагон*|Байден*|Трамп*|Американ*|Амери*
UY Montevideo
UZ Uzbek|Tashkent
VA Vatican|Holy See
VC Saint Vincent and the Grenadines|Kingstown
VE Caracas
VI US Virgin Islands
VN Hanoi|Quang Tri|Vietnamese|Viet Nam|Вьетнам*|В'єтнам*
VU Ni-Vanuatu|Port Vila
WF Wallis and Futuna
WS Apia
XK Pristina
YE Sanaa|Houthi|Houthis|Marib|Hodeidah|Huthi|Hutíes|Йемен*|Ємен*|Хусит*|хуситы
ZA Pretoria|Cape Town|Johannesburg|South African|Südafrika*|sudafrican*|ЮАР|Южн* Африк*|Південн* Африк*
ZM Lusaka
ZW Harare|Zimbabwean|Зимбабве
`;

/** Names for several countries at once. */
export const GROUP_NAMES = `
EE LV LT Baltic states|Baltic countries|Baltic nations|Baltic trio|Baltics|Baltic neighbours|Baltic neighbors|pays baltes|États baltes|baltischen Staaten|Baltenstaaten|Baltikum|baltische Staaten|países bálticos|Estados bálticos|стран* Балтии|прибалтийск*|Прибалтик*|балтийск* стран*|країн* Балтії|балтійськ* країн*
KP KR Korean Peninsula|péninsule coréenne|Корейск* полуостров*|Корейськ* півостр*
`;

/** ISO 3166-1 alpha-2 codes, and XK for Kosovo. */
export const COUNTRY_CODE_LIST = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
`;
