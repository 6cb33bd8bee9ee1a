import type { Analysis } from "./analyse.ts";
import { LANGUAGES, type Language } from "./language.ts";
import { compileAlternatives, compilePhrase, type Phrase, PhraseIndex, type PhraseMatch } from "./phrases.ts";

/**
 * The domain as concepts: weapons, what is done with them, who does it, where, and the
 * neighbouring subjects whose words look alike (mining, hoaxes, games, other treaties).
 * Each concept lists how the six languages say it; the classifier's model learns what
 * each concept, and each pair of them, is worth.
 * Phrases are written in the syntax of `phrases.ts`.
 */
export type ConceptKind = "weapon" | "action" | "actor" | "context" | "domain" | "treaty-word";

interface ConceptSource {
  /** Phrases per language; `any` holds names and acronyms that every language writes alike. */
  say: Partial<Record<Language | "any", string>>;
  /** Names of more than one word that reports in every language quote as written ("Landmine Monitor"). */
  names?: string;
}

const CONCEPT_SOURCES = {
  // Weapons.
  landmine: {
    say: {
      any: "^PFM ^ПФМ ^POM ^ПОМ ^TM-62 claymore*",
      en: "landmin* | land mine | land mines | anti personnel | antipersonnel | anti tank mine | anti tank mines | antitank mine* | anti vehicle mine | anti vehicle mines | butterfly mine* | scatterable mine* | toe popper*",
      fr: "antipersonnel* | anti personnel | mine terrestre | mines terrestres | mine antichar | mines antichars | mines antichar",
      de: "~landmine | ~personenmine | ~abwehrmine | ~panzermine | ~schutzenmine | ~streumine | ~splittermine | antipersonell*",
      es: "antipersona* | anti persona | minas terrestres | mina terrestre | mina antitanque | minas antitanque | minas antitanques",
      ru: "противопехотн* | противотанков* мин* | противопехотк* | лепестк* | лепесток",
      uk: "протипіхотн* | протитанков* мін* | пелюстк*",
    },
  },
  mine: {
    say: {
      en: "mine | mines",
      fr: "mine | mines",
      de: "mine | minen | minen* | ~landmine | ~personenmine | ~tretmine | ~panzermine | ~seemine | ~streumine | ~splittermine | ~sprengmine | ~schutzenmine | ~abwehrmine | ~fahrzeugmine | ~treibmine | ~haftmine | ~springmine | ~sprungmine | ~schmetterlingsmine | ~tellermine | ~richtmine | ~stolperdrahtmine | ~stolpermine | ~spielzeugmine | ~plastikmine | ~holzmine | ~bodenmine",
      es: "mina | minas",
      ru: "мина | мины | мине | мину | миной | мин | минами | минах | минам | =минная | =минного | =минное | =минной | =минном | =минною | =минную | =минные | =минный | =минным | =минных | =минному | =минными | =минно",
      uk: "міна | міни | міні | міну | міною | мін | мінами | мінах | мінам | =мінна | =мінне | =мінний | =мінним | =мінних | =мінного | =мінному | =мінною | =мінної | =мінну | =мінні | =мінними | =мінній | =мінно",
    },
  },
  minefield: {
    say: {
      en: "minefield*",
      fr: "champ mines | champs mines | champ miné | champs minés | terrain miné | zone minée | zones minées",
      de: "~minenfeld | ~minengurtel | ~minensperr",
      es: "campo minado | campos minados | campo minas | campos minas | zona minada | zonas minadas",
      ru: "минн* пол* | минн* заграждени*",
      uk: "мінн* пол* | мінн* загород*",
    },
  },
  "cluster-munition": {
    say: {
      any: "^DPICM ^ICM",
      en: "cluster munition | cluster munitions | cluster bomb* | cluster weapon* | cluster shell* | cluster round* | cluster warhead* | cluster ammunition | cluster strike* | cluster attack* | submunition* | bomblet*",
      fr: "sous munition* | bombe sous munitions | bombes sous munitions | armes sous munitions | bombe grappe | bombes grappe | bombes fragmentation",
      de: "~streumunition | ~streubomb | ~submunition | ~clustermunition | ~clusterbomb",
      es: "municiones racimo | munición racimo | municion racimo | bombas racimo | bomba racimo | submunicion*",
      ru: "кассетн* | суббоеприпас*",
      uk: "касетн* | суббоєприпас*",
    },
  },
  "explosive-remnant": {
    say: {
      any: "^UXO ^UXOs ^ERW ^ВНП ^ВОП ^НВБ",
      en: "unexploded* | explosive remnant* | remnants war | explosive ordnance | explosive ordnances | dud | duds | leftover ordnance | wartime bomb* | ww2 bomb* | wwii bomb* | world war ii bomb* | war relic*",
      fr: "engin explosif | engins explosifs | restes explosifs | non explosé | non explosés | non explosée | non explosées | munitions non explosées | obus non explosé | bombe seconde guerre | vestiges guerre",
      de: "~blindganger | ~kampfmittel | ~fliegerbombe | ~weltkriegsbombe | ~kriegsbombe | ~munitionsreste | ~sprengkorper",
      es: "explotar | artefacto explosivo | artefactos explosivos | restos explosivos | municiones explotar | remanentes explosivos",
      ru: "неразорвавш* | невзорвавш* | взрывоопасн* | боеприпас* | снаряд* | авиабомб*",
      uk: "нерозірван* | вибухонебезпечн* | боєприпас* | снаряд* | авіабомб*",
    },
  },
  "explosive-device": {
    say: {
      any: "^IED ^IEDs ^СВУ ^СВП",
      en: "improvised explosive* | booby trap* | booby trapped | explosive device* | tripwire*",
      fr: "engin explosif improvisé | engins explosifs improvisés | piège explosif | pièges explosifs | engin piégé",
      de: "~sprengfalle | ~sprengsatz | ~sprengsatze | ~stolperdraht",
      es: "artefacto explosivo improvisado | artefactos explosivos improvisados | trampa explosiva | trampas explosivas | explosivo improvisado",
      ru: "самодельн* взрывн* | растяжк* | мин* ловушк*",
      uk: "саморобн* вибухов* | розтяжк* | вибухов* пристр*",
    },
  },
  ordnance: {
    say: {
      en: "shell | shells | grenade* | bomb | bombs | munition | munitions | ammunition | ordnance | projectile* | rocket* | missile* | explosive | explosives",
      fr: "obus | grenade* | bombe | bombes | munition | munitions | projectile* | roquette* | missile* | explosif | explosifs",
      de: "~granate | ~bombe | ~munition | ~geschoss | ~rakete | ~sprengstoff",
      es: "proyectil* | granada* | bomba | bombas | munición | municiones | cohete* | misil* | explosivo | explosivos",
      ru: "граната* | гранат* | бомб* | ракет* | взрывчатк* | взрывн*",
      uk: "гранат* | бомб* | ракет* | вибухівк* | вибухов*",
    },
  },
  nuclear: {
    say: {
      en: "nuclear | nuke* | atomic | warhead* | nuclear arms | nuclear weapon*",
      fr: "nucléaire* | atomique* | ogive*",
      de: "~atom | ~nuklear | ~kernwaffe | ~sprengkopf | ~sprengkopfe",
      es: "nuclear | nucleares | atómic* | ojiva*",
      ru: "ядерн* | атомн* | боеголовк*",
      uk: "ядерн* | атомн* | боєголовк*",
    },
  },
  "arms-control": {
    say: {
      any: "^CFE ^ДОВСЕ ^ДЗЗСЄ ^KSE ^FACE",
      en: "arms control | disarmament | non proliferation | nonproliferation | arms race | strategic arms | strategic offensive | open skies | conventional armed forces europe | chemical weapons convention | biological weapons convention | killer robot* | autonomous weapon* | lethal autonomous",
      fr: "maîtrise armements | contrôle armements | désarmement | non prolifération | course armements | ciel ouvert | forces armées conventionnelles europe | armes chimiques | armes biologiques | robots tueurs | armes autonomes | armes létales autonomes",
      de: "~rustungskontroll | ~abrustung | ~nichtverbreitung | ~wettrust | open skies | ~chemiewaffen | ~biowaffen | ~killerroboter | killer robotern | killer roboter | autonome waffen | ~konventionelle streitkrafte",
      es: "control armas | control armamentos | desarme | proliferación | carrera armamentista | cielos abiertos | armas químicas | armas biológicas | robots asesinos | killer robots | armas autónomas",
      ru: "контрол* вооружени* | разоружени* | нераспространени* | гонк* вооружени* | стратегическ* наступательн* | открыт* неб* | обычн* вооруженн* сил* европ* | химическ* оружи* | биологическ* оружи* | роботов убийц* | автономн* оружи*",
      uk: "контрол* озброєн* | роззброєн* | нерозповсюдж* | перегон* озброєн* | стратегічн* наступальн* | відкрит* неб* | звичайн* збройн* сил* європ* | хімічн* зброї | біологічн* зброї | роботів вбивць | автономн* зброї",
    },
  },

  // What is done.
  withdraw: {
    say: {
      en: "withdraw* | withdrew | exit* | quit* | leave | leaves | leaving | left | pull | pulls | pulling | pulled | ditch* | abandon* | denounc* | renounc*",
      fr: "retrait* | retire | retirer | retirent | retiré* | quitte* | quitter | sortie | sortir | sort | dénonc* | abandon*",
      de: "~austritt | ~austreten | ~ausstieg | ~aussteig | =steigt =aus | =stieg =aus | =steigen =aus | verlass* | verlasst | verliess* | kundig* | gekundigt* | aufkundig* | aufzukundig* | ~vertragskundig | ~vertragsaufkundig | ~teilruckzug | aufgekundigt* | ~zuruckzieh | ruckzug* | ~truppenruckzug",
      es: "retira* | retiro | retirada* | retirarse | sale | salir | salida | abandon* | denunci*",
      ru: "выход | выйти | выйдет | выйдут | вышл* | вышел | покида* | покинул* | покинет | денонс* | отказ*",
      uk: "=вихід | =виходу | =виході | =виходом | =виходить | =виходять | =виходити | =виходив | =виходила | =виходили | =виходило | виходитим* | вийти | вийде | вийдуть | вийшл* | вийшов | залиша* | залишит* | денонс* | відмов*",
    },
  },
  accede: {
    say: {
      en: "accede* | accession | join | joins | joined | joining | party | parties | state party | states parties",
      fr: "adhésion | adhère* | adhérer | rejoindre | rejoint | états parties | état partie",
      de: "~beitritt | ~beitret | ~vertragsstaat",
      es: "adhesión | adhiere | adherirse | adhirió | suma | estados parte | estados partes | estado parte",
      ru: "присоедин* | государств* участник* | стран* участниц*",
      uk: "приєдна* | держав* учасниц* | країн* учасниц*",
    },
  },
  ratify: {
    say: {
      en: "ratif* | deratif*",
      fr: "ratif*",
      de: "~ratifiz",
      es: "ratific*",
      ru: "ратифик* | дератифик*",
      uk: "ратифік* | денонс*",
    },
  },
  suspend: {
    say: {
      en: "suspen* | halt* | freez* | frozen | revok* | rescind* | scrap* | end | ends | ended | expir* | lapse* | extend* | extension",
      fr: "suspen* | gel | gèle | révoqu* | expir* | prolong* | fin",
      de: "aussetz* | =setzt =aus | =setzen =aus | =setzte =aus | ausgesetzt* | ~suspendier | ~widerruf | =lauft =aus | =lauft =ab | ~auslauf | ~verlanger | ende",
      es: "suspend* | suspensión | congel* | revoc* | expir* | venc* | prorrog* | prolong* | fin",
      ru: "приостан* | замороз* | заморож* | отозва* | отзыв* | отмен* | истек* | истечени* | продл* | прекращ*",
      uk: "призупин* | замороз* | відклика* | відкликан* | скасува* | спливає | сплив* | продовж* | припин*",
    },
  },
  vote: {
    say: {
      en: "vote | votes | voted | voting | bill | approve* | pass | passes | passed | adopt* | back | backs | backed | endorse* | support | supports | supported",
      fr: "vote* | projet loi | approuv* | adopt* | soutien* | soutient | appui*",
      de: "~abstimm | stimmt | stimmen | ~gesetzentwurf | =billigt | =billigte | =billigten | gebilligt* | billigung* | ~beschliess | ~beschluss | ~votum | ~unterstutz | ~zustimm | ~befurwort",
      es: "vot* | proyecto ley | aprueb* | aprob* | adopt* | respald* | apoy*",
      ru: "голосова* | проголосова* | законопроект* | одобр* | принял* | приня* | поддержал* | поддерж*",
      uk: "голосува* | проголосува* | законопроєкт* | законопроект* | схвал* | ухвал* | підтрима* | підтрим*",
    },
  },
  sign: {
    say: {
      en: "sign | signs | signed | signing | decree* | law | enact*",
      fr: "sign* | décret* | promulg*",
      de: "~unterzeichn | ~unterschreib | ~unterschrieb | ~dekret | erlass*",
      es: "firm* | decreto* | promulg* | rubric*",
      ru: "подпис* | указ | утверди*",
      uk: "підпис* | указ* | затверди*",
    },
  },
  announce: {
    say: {
      en: "announc* | plan* | intend* | decid* | decision | propos* | consider* | move* | prepar* | recommend*",
      fr: "annonc* | envisag* | compt* | décid* | décision | propos* | prépar* | recommand*",
      de: "~kundigt | =plant | =plante | =planten | geplant* | ~planen | ~beabsichtig | ~entscheid | ~entschluss | ~vorschlag | =schlagt =vor | =schlug =vor | ~empfehl | ~erwag",
      es: "anunci* | plane* | prevé | decid* | decisión | propon* | propuesta* | prepar* | recomiend* | recomend*",
      ru: "объяви* | объявл* | планиру* | намерен* | решил* | решени* | предлож* | готов* | рекоменд*",
      uk: "оголоси* | оголош* | планує | планують | має намір | вирішил* | рішенн* | пропону* | пропози* | готу* | рекоменд*",
    },
  },
  notify: {
    say: {
      en: "notif* | inform* | deposit* | submit* | papers | letter",
      fr: "notifi* | inform* | dépos* | remis",
      de: "~notifizier | ~informier | ~benachrichtig | ~hinterleg | ~ubergeben",
      es: "notific* | inform* | deposit* | entreg*",
      ru: "уведом* | информир* | направил* | передал* | сдал*",
      uk: "повідоми* | повідомл* | сповіст* | поінформ* | переда*",
    },
  },
  "take-effect": {
    say: {
      en: "formally | officially | effect | takes effect | took effect | enter force | enters force | entered force | force | effective | complet* | final* | withdrawn | ceases | no longer",
      fr: "officiellement | formellement | entre vigueur | entrée vigueur | entré vigueur | effectif | effective | définitivement | n'est plus",
      de: "offiziell | formell | =in =kraft | =ausser =kraft | inkraft* | ~krafttret | wirksam | endgultig | ~vollzogen | nicht mehr",
      es: "oficialmente | formalmente | entra vigor | entró vigor | entrada vigor | efectiv* | definitivamente | ya no",
      ru: "официальн* | формальн* | вступ* силу | вступил* силу | вступает силу | окончательн* | больше не",
      uk: "офіційн* | формальн* | набира* чинн* | набул* чинн* | набуде чинн* | остаточн* | більше",
    },
  },
  "lay-mines": {
    say: {
      en: "=mined | mine laying | minelaying | laying mines | laid mines | lay mines | planting mines | planted mines | remote mining | remotely =mined",
      fr: "=minée | =minées | =minage | poser mines | pose mines | posé mines",
      de: "vermint* | ~verminung | ~minenleg | ~minenverleg | minen verleg* | minen gelegt | legen | legt | gelegt",
      es: "=minado | =minada | =minados | =minadas | =minar | =minaron | =minan | sembrar minas | sembraron minas | siembra minas",
      ru: "заминир* | минирова* | =минирует | =минируют | дистанционн* минировани*",
      uk: "замінов* | замінув* | мінува* | =мінують | =мінує | дистанційн* мінуван*",
    },
  },
  "use-weapon": {
    say: {
      en: "use | uses | used | using | lay | lays | laid | laying | plant* | deploy* | scatter* | employ*",
      fr: "utilis* | emploi* | employ* | pos* | posé* | recours | larg* | tir*",
      de: "~einsatz | ~eingesetzt | ~einsetz | setzt | ~verlegt | ~verleg | ~abgeworfen | ~abwurf",
      es: "usa | usan | usó | uso | usado* | utiliz* | emple* | coloc* | sembr* | lanz* | despleg*",
      ru: "применя* | применени* | применил* | использ* | установ* | устанавлива* | сбрасыва* | сброс* | сбросил*",
      uk: "застосов* | застосуван* | застосува* | використ* | встанов* | встановлю* | скида* | скину*",
    },
  },
  transfer: {
    say: {
      en: "suppl* | send* | sent | transfer* | receiv* | provid* | deliver* | ship* | give | gives | giving | gave | export* | import* | sale | sell* | sold | buy* | bought | purchas* | acquir* | package | aid package",
      fr: "livr* | envoi* | envoy* | fourni* | fournir | transf* | reçoi* | reçu* | vend* | achat* | achet* | export* | import* | aide militaire | cède | céd*",
      de: "~liefer | ~schickt | ~schicken | ~schickte | ~ubergeb | ~bereitstell | erhalt* | =erhielt | =erhielten | ~verkauf | ~export | ~import | ~kauf | ~paket",
      es: "envi* | suministr* | entreg* | transfer* | recib* | proporcion* | vend* | compr* | export* | import* | paquete",
      ru: "постав* | переда* | отправ* | направ* | предостав* | получ* | продаж* | прода* | купи* | покуп* | закуп* | экспорт* | импорт* | пакет*",
      uk: "постач* | постав* | переда* | відправ* | надісл* | надав* | надан* | отрима* | прода* | закуп* | купу* | купи* | експорт* | імпорт* | пакет*",
    },
  },
  produce: {
    say: {
      en: "produc* | manufactur* | make | makes | making | factory | factories | plant | output",
      fr: "produi* | product* | fabriqu* | fabrication | usine* | manufactur*",
      de: "~produzier | ~produktion | herstell* | hergestellt* | ~waffenhersteller | ~rustungshersteller | ~munitionshersteller | ~minenhersteller | ~waffenherstellung | ~munitionsherstellung | ~fabrik | ~werke",
      es: "produc* | fabric* | planta | manufactur*",
      ru: "производ* | произвед* | выпуск* | завод* | изготов*",
      uk: "вироб* | вироблен* | виготов* | завод*",
    },
  },
  "stockpile-destroy": {
    say: {
      en: "stockpil* | stock | stocks | arsenal* | destroy* | destruction | destroyed | eliminat* | disposal | dismantl*",
      fr: "stock* | arsenal* | arsenaux | détrui* | destruction | élimin*",
      de: "=bestande | ~lagerbestand | ~munitionsbestand | ~waffenbestand | ~minenbestand | ~vorrat | ~vorrate | =lager | =lagern | =lagers | =lagerung | =bestand | =bestands | ^Beständen | ~restbestand | ~munitionslager | ~waffenlager | ~minenlager | ~einlagerung | ~vernicht | ~zerstor | ~arsenal",
      es: "arsenal* | reserva* | existencias | almacen* | destru* | elimin*",
      ru: "запас* | арсенал* | склад | складск* | складирова* | уничтож* | ликвид* | утилиз*",
      uk: "запас* | арсенал* | =склад | =склади | =складів | =складах | складськ* | =на =складі | =на =складах | =по =складу | склад* боєприпас* | склад* зброї | склад* пального | знищ* | ліквід* | утиліз*",
    },
  },
  clear: {
    say: {
      en: "demin* | de mining | de miner | de miners | mine clearance | mine clearing | clear* | defus* | bomb disposal | disposal team* | neutralis* | neutraliz* | sapper* | explosive ordnance disposal | mine action | mine free | free mines | land release | hectare* | survey* | detect* | sniff* | mine risk",
      fr: "démin* | dépollu* | désamorç* | neutralis* | sapeur* | hectare* | libre mines | libérée mines | détect* | débarrass*",
      de: "~minenraum | ~kampfmittelraum | raumung* | geraumt* | =raumt | =raumte | =raumen | =raumten | raumteam* | raumtrupp* | ~entscharf | ~minenfrei | ~entminung | ~hektar | ~minensuch | ~spurhund | ~feuerwerker",
      es: "desmin* | limpi* | despej* | desactiv* | neutraliz* | zapador* | hectárea* | libre minas | libres minas | detect*",
      ru: "разминир* | сапер* | обезвре* | нейтрализ* | очищ* | очист* | гектар* | свободн* мин | пиротехник* | обнаруж* | поиск* мин*",
      uk: "розмінув* | розмінуван* | розміновув* | розмінов* | сапер* | знешкод* | нейтраліз* | очищ* | очист* | гектар* | вільн* мін | піротехнік* | виявил* | виявлен* | виявля*",
    },
  },
  find: {
    say: {
      en: "find | finds | found | discover* | unearth* | uncover*",
      fr: "découv* | trouv*",
      de: "~gefunden | ~entdeck | =fund | =funde | =fundes | =funden | ~munitionsfund | ~bombenfund | ~minenfund | ~waffenfund | ~granatenfund | ~zufallsfund | fundort* | findet",
      es: "hall* | encontr* | descubr*",
      ru: "нашл* | найден* | найти | находк* | обнаружил*",
      uk: "знайшл* | знайден* | знахідк* | натрапил*",
    },
  },
  explode: {
    say: {
      en: "explo* | blast* | detonat* | blew | blown | blow | stepped | step | steps | hit | hits | struck | ran | drove",
      fr: "explos* | détona* | sauté | sauter | saute",
      de: "~explosion | ~explodier | ~detonier | ~detonation | gerat | trat",
      es: "explot* | explosión | estall* | deton* | pis*",
      ru: "взрыв* | взорва* | подорва* | подрыв* | сдетонир* | детонир* | наехал* | наступил*",
      uk: "вибух* | підірва* | підрив* | здетонув* | детону* | наїха* | наступив*",
    },
  },
  kill: {
    say: {
      en: "kill* | dead | death* | die | dies | died | dying | fatal* | lose life | lost lives | toll",
      fr: "tué* | tue | tuent | tuant | mort | morts | morte | mortes | décès | décéd* | périt | péri | bilan",
      de: "~getotet | ~totet | tot | tote | toten | ~todesopfer | stirbt | starb | gestorben | ~ums leben | verlier* =sein =leben | verlor* =sein =leben | verlier* =ihr =leben | verlor* =ihr =leben",
      es: "muert* | mata* | mató | fallec* | muere* | murió | mueren | pierde vida | perdió vida",
      ru: "погиб* | гибел* | убит* | убил* | смерт* | скончал* | =умер | =умерла | =умерли | =умерло | умерш* | летальн*",
      uk: "загин* | загибел* | вбит* | вбив* | вбил* | смерт* | помер* | загиблі",
    },
  },
  injure: {
    say: {
      en: "injur* | wound* | hurt | maim* | amput* | lost leg | lost legs | lost limbs",
      fr: "bless* | mutil* | amput*",
      de: "~verletz | ~verwund | ~amputi | ~verstumm",
      es: "herid* | hiere | hirió | lesion* | mutil* | amput*",
      ru: "ранен* | ранил* | ранят | травм* | пострада* | покалеч* | увечь* | ампутир* | ампутац*",
      uk: "поранен* | поранил* | травм* | постражда* | покалі* | каліцтв* | ампут*",
    },
  },
  casualty: {
    say: {
      en: "victim* | casualt* | survivor* | toll",
      fr: "victime* | survivant* | rescapé*",
      de: "~opfer | ~uberlebend",
      es: "víctima* | victima* | sobreviviente* | superviviente*",
      ru: "жертв* | пострадавш* | выживш*",
      uk: "жертв* | постраждал* | вцілі*",
    },
  },
  report: {
    say: {
      en: "report* | study | studies | data | figures | record | annual | index | yearbook | monitor",
      fr: "rapport* | étude* | données | chiffres | record | annuel* | bilan* | observatoire",
      de: "~bericht | ~studie | daten | ~zahlen | ~rekord | ~jahrlich | ~jahresbericht | ~monitor",
      es: "informe* | reporte* | estudio* | datos | cifra* | récord | anual*",
      ru: "доклад* | отчет* | исследован* | =данные | =данных | =данным | =данными | рекорд* | ежегодн* | мониторинг*",
      uk: "доповід* | звіт* | дослідж* | дані | даних | рекорд* | щорічн* | моніторинг*",
    },
  },
  advocate: {
    say: {
      en: "urg* | call | calls | called | appeal* | condemn* | campaign* | protest* | demand* | petition* | criticis* | criticiz* | warn* | decr* | deplor* | regret* | concern* | alarm*",
      fr: "appel* | exhort* | condamn* | campagn* | protest* | réclam* | exig* | critiqu* | alert* | dénonc* | regrett* | inquiét* | préoccup*",
      de: "~forder | ~appell | ~verurteil | ~kampagne | ~protest | ~kritik | ~kritisier | ~warnt | ~warnen | ~warnung | ~besorg | ~bedauer | ~mahnt",
      es: "pide* | pidió | insta* | instó | exig* | conden* | campaña* | protest* | critic* | advier* | alert* | lament* | preocup* | denunci*",
      ru: "призыва* | призвал* | призыв* | осуд* | осужда* | критик* | требова* | потребова* | кампани* | протест* | предупред* | обеспокоен* | сожален*",
      uk: "закликa* | заклика* | закликал* | засуд* | засуджу* | критик* | вимага* | вимог* | кампані* | протест* | попереди* | попереджа* | стурбован* | занепокоєн*",
    },
  },
  fund: {
    say: {
      en: "fund* | donat* | grant* | pledg* | aid | assistance | support* | million* | billion* | budget* | cut | cuts",
      fr: "financ* | don | dons | subvention* | aide | assistance | soutien* | million* | milliard* | budget* | coupe* | réduct*",
      de: "~finanzier | ~spende | ~zuschuss | ~hilfe | ~unterstutz | ~million | ~milliard | ~budget | ~kurzung | =mittel | =mitteln | ~finanzmittel | ~haushaltsmittel | ~fordermittel | ~geldmittel | ~bundesmittel",
      es: "financ* | don* | subvenci* | ayuda | asistencia | apoy* | millón | millones | presupuest* | recort*",
      ru: "финансир* | финансов* | пожертв* | грант* | помощ* | поддерж* | миллион* | млн | миллиард* | млрд | бюджет* | сокращ*",
      uk: "фінансув* | фінансов* | пожертв* | грант* | допомог* | підтрим* | мільйон* | млн | мільярд* | млрд | бюджет* | скорочен*",
    },
  },
  honour: {
    say: {
      en: "award* | medal* | honour* | honor* | prize* | nobel | hero* | tribute* | memorial* | commemorat*",
      fr: "médaill* | décor* | récompens* | prix | nobel | héro* | hommage* | commémor*",
      de: "~medaille | ~auszeichn | ~ausgezeichnet | preis | ~friedenspreis | ~nobelpreis | ~preistrager | ~preisverleih | ~menschenrechtspreis | ~nobel | held* | ~kriegsheld | ~nationalheld | ~volksheld | ~ehrung | ~gedenk",
      es: "medalla* | condecor* | premi* | nobel | héroe* | heroica* | heroico* | homenaje* | conmemor*",
      ru: "медал* | наград* | орден* | преми* | нобел* | =герой | =героя | =герою | =героем | =герое | =герои | =героев | =героям | =героями | =героях | геройск* | героизм* | героическ* | =героиня | =героини | памят*",
      uk: "медал* | нагород* | орден* | премі* | нобел* | =герой | =героя | =герою | =героєві | =героєм | =герої | =героїв | =героям | =героями | =героях | героїчн* | героїзм* | =героїня | =героїні | геройськ* | пам'ят* | вшанув*",
    },
  },
  "nuclear-test": {
    say: {
      en: "test | tests | testing | tested | test site | test ban",
      fr: "essai | essais | test | tests",
      de: "test* | getestet* | ~atomtest | ~atomwaffentest | ~kernwaffentest | ~nukleartest | ~raketentest | ~waffentest | ~bombentest | ~atomversuch | ~atomwaffenversuch | ~kernwaffenversuch | ~nuklearversuch | ~raketenversuch | ~waffenversuch",
      es: "prueba* | ensayo* | test",
      ru: "испытан* | испыта* | полигон*",
      uk: "випробуван* | випробув* | полігон*",
    },
  },
  accuse: {
    say: {
      en: "accus* | alleg* | blam* | deny | denies | denied | claim* | evidence | investigat* | violat* | breach* | war crime* | illegal* | =banned | =prohibited",
      fr: "accus* | dément* | nie | allég* | preuve* | enquêt* | viol* | crime* guerre | illégal* | interdit* | prohib*",
      de: "~vorwurf | ~beschuldig | =wirft =vor | ~vorwirft | ~bestreit | ~beweis | ~ermittl | ~verstoss | ~verstosst | ~kriegsverbrech | ~illegal | ~verboten | geachtet*",
      es: "acus* | nieg* | neg* | prueba* | investig* | viol* | crimen* guerra | ilegal* | prohibid*",
      ru: "обвин* | отрица* | доказательств* | расслед* | нарушени* | наруша* | военн* преступлени* | незаконн* | запрещен*",
      uk: "звинува* | заперечу* | доказ* | розслід* | порушен* | поруш* | воєнн* злочин* | незаконн* | заборонен*",
    },
  },
  "mark-day": {
    say: {
      en: "international day | world day | awareness day | anniversary | awareness",
      fr: "journée internationale | journée mondiale | anniversaire | sensibilis*",
      de: "~aktionstag | ~gedenktag | ~welttag | ~jahrestag | ~internationaler | ~aufklarung",
      es: "día internacional | día mundial | aniversario | sensibiliz* | concienci*",
      ru: "международн* день | всемирн* день | годовщин* | просвещени* | информирован*",
      uk: "міжнародн* день | всесвітн* день | річниц* | просвіт* | інформуван*",
    },
  },
  meet: {
    say: {
      en: "meeting* | conference* | summit* | session* | talks | convene* | gather* | review conference",
      fr: "réunion* | conférence* | sommet* | session* | pourparlers",
      de: "~konferenz | =treffen | ~gipfeltreffen | ~spitzentreffen | ~ministertreffen | ~arbeitstreffen | ~staatentreffen | ~tagung | ~gipfel | ~sitzung | ~gesprach",
      es: "reunión* | reunion* | conferencia* | cumbre* | sesión* | conversaciones",
      ru: "встреч* | конференц* | заседани* | саммит* | совещани* | переговор*",
      uk: "зустріч* | конференц* | засідан* | саміт* | нарад* | переговор*",
    },
  },

  // Who.
  "mine-action-organisation": {
    say: {
      any: "^HALO ^MAG ^APOPO ^UNMAS ^GICHD ^ICBL ^FSD ^DDG ^NPA ^ITF ^CMC",
      en: "halo trust | mines advisory group | norwegian people's aid | danish demining group | danchurchaid | handicap international | humanity & inclusion | humanity inclusion | international campaign ban landmines | cluster munition coalition | landmine monitor | cluster munition monitor | mine action service | mine action centre | mine action center | geneva call",
      fr: "handicap international | service lutte antimines | lutte antimines | action contre mines | observatoire mines | campagne internationale interdire mines",
      de: "~minenaktion | ~landminen-monitor | ~streumunitions-monitor | aktionsbundnis landmine",
      es: "acción minas | accion minas | campaña internacional prohibición minas | monitor minas",
      ru: "противоминн* деятельност* | гуманитарн* разминир*",
      uk: "протимінн* діяльн* | гуманітарн* розмінув* | мінн* дій | національн* орган* питань протимінн*",
    },
    names:
      "halo trust | mines advisory group | norwegian people's aid | danish demining group | landmine monitor | cluster munition monitor | cluster munition coalition | geneva call",
  },
  "rights-organisation": {
    say: {
      any: "^HRW ^UN ^ONU ^UNO ^ООН ^UNICEF ^ЮНИСЕФ ^ЮНІСЕФ ^ICRC ^CICR ^IKRK ^МККК ^МКЧХ ^OSCE ^ОБСЕ ^ОБСЄ ^UNDP ^ПРООН ^NGO ^NGOs ^ONG ^НКО ^ГО",
      en: "human rights watch | amnesty* | red cross | united nations | secretary general | unicef | ngo* | charity | charities | humanitarian*",
      fr: "human rights watch | amnesty* | croix rouge | nations unies | secrétaire général | ong | humanitaire*",
      de: "human rights watch | amnesty* | roten kreuz | rote kreuz | roten kreuzes | vereinten nationen | ~hilfsorganisation | ~menschenrecht | humanitar*",
      es: "human rights watch | amnist* | cruz roja | naciones unidas | secretario general | ong | humanitari*",
      ru: "хьюман райтс вотч | амнести* | красн* крест* | объединенн* наци* | генсек* | правозащит* | гуманитарн*",
      uk: "х'юман райтс вотч | амністі* | червон* хрест* | об'єднан* наці* | генсек* | правозахис* | гуманітарн*",
    },
  },
  "detection-animal": {
    say: {
      en: "rat | rats | hero rat* | dog | dogs | sniffer* | giant pouched",
      fr: "rat | rats | chien* | renifleu*",
      de: "~ratte | hund | ~spurhund | ~sprengstoffhund | ~minensuchhund | ~suchhund | ~schaferhund | ~polizeihund | ~diensthund",
      es: "rata | ratas | perro* | perra* | rastreador*",
      ru: "крыс* | пес | пёс | псу | =пса | =псе | =псом | собак* | щен*",
      uk: "щур* | пацюк* | пес | =пса | =псові | песик* | собак* | цуцен*",
    },
  },
  civilian: {
    say: {
      en: "civilian* | child | children | kid | kids | boy* | girl* | teen* | farmer* | shepherd* | herder* | villager* | tractor* | resident* | family | families | student* | worker* | man | woman | men | women | toddler*",
      fr: "civil | civils | enfant* | garçon* | fille* | adolescent* | agricult* | berger* | paysan* | villageois | tracteur* | habitant* | famille* | élève* | ouvrier* | homme* | femme*",
      de: "~zivil | ~kind | ~kinder | ~junge | ~madchen | ~jugendlich | ~bauer | ~landwirt | ~hirte | ~traktor | ~bewohner | ~familie | ~schuler | ~arbeiter | mann | frau",
      es: "civil | civiles | niño* | niña* | menor* | adolescent* | campesin* | agricultor* | pastor* | tractor* | habitante* | vecino* | familia* | estudiante* | trabajador* | hombre* | mujer*",
      ru: "мирн* жител* | мирн* | ребен* | =дети | =детей | =детям | =детьми | =детях | детск* | детсад* | подрост* | мальчик* | девочк* | фермер* | пастух* | трактор* | жител* | =семья | =семьи | =семье | =семью | =семьей | =семей | =семьям | =семьях | =семьями | семейн* | школьник* | рабоч* | мужчин* | женщин*",
      uk: "цивіль* | дит* | діт* | підліт* | хлопчик* | дівчин* | фермер* | пастух* | трактор* | мешкан* | жител* | =сім'я | =сім'ї | =сім'ю | =сім'єю | =сімей | =сім'ям | =сім'ях | =сім'ями | сімейн* | родин* | школяр* | робітник* | чоловік* | жінк*",
    },
  },
  military: {
    say: {
      en: "soldier* | troop* | servicem* | army | armies | military | militar* | forces | armed forces | marines | junta | militant* | rebel* | insurgent* | fighter*",
      fr: "soldat* | troupe* | militaire* | armée* | forces | junte | rebelle* | djihadiste* | jihadiste* | combattant*",
      de: "~soldat | ~truppe | ~militar | ~armee | ~streitkraft | ~bundeswehr | ~junta | ~rebell | ~kampfer | ~miliz",
      es: "soldado* | tropa* | militar* | ejército* | fuerzas | junta | rebelde* | guerriller* | disidencia* | combatiente*",
      ru: "военн* | военнослужащ* | солдат* | боец* | бойц* | армия | армии | армией | войск* | хунт* | боевик* | повстанц* | ВСУ | ВС РФ",
      uk: "військов* | військовослужбов* | солдат* | боєць | бійц* | армія | армії | армією | військ* | хунт* | бойовик* | повстанц* | ЗСУ",
    },
  },
  parliament: {
    say: {
      en: "parliament* | lawmaker* | legislat* | mps | senate | senators | congress | duma | rada | seimas | saeima | sejm | riigikogu | eduskunta | bundestag | upper house | lower house",
      fr: "parlement* | députés | sénat | congrès | douma | rada | diète | seimas | saeima | sejm",
      de: "~parlament | ~abgeordnet | senat | kongress | duma | rada | seimas | saeima | sejm | ~bundestag | ~oberhaus | ~unterhaus | ~volksvertret",
      es: "parlament* | diputad* | legislador* | senado | congreso | duma | rada | seimas | saeima | sejm | cámara",
      ru: "парламент* | депутат* | сенат* | конгресс* | госдум* | =дума | =думы | =думе | =думу | =думой | думск* | =рада | =рады | =раде | =раду | =радой | сейм* | совет* федерации | совфед* | сенатор*",
      uk: "парламент* | депутат* | нардеп* | сенат* | конгрес* | держдум* | =дума | =думи | =думі | =думу | =думою | =рада | =ради | =раді | =раду | =радою | верховн* рад* | сейм* | сенатор*",
    },
  },
  government: {
    say: {
      en: "government* | minister* | ministry | president* | prime minister | cabinet | kremlin | pentagon | white house | state department | foreign office",
      fr: "gouvernement* | ministre* | ministère | président* | premier ministre | kremlin | pentagone | maison blanche | élysée",
      de: "~regierung | ~minister | ~prasident | ~kanzler | ~kabinett | ~kreml | pentagon | weisse haus | weissen haus | auswartige amt",
      es: "gobierno* | ministr* | ministerio | president* | gabinete | kremlin | pentágono | casa blanca | cancillería",
      ru: "правительств* | министр* | министерств* | президент* | премьер* | кремл* | пентагон* | белый дом | белого дома | мид",
      uk: "уряд* | міністр* | міністерств* | президент* | прем'єр* | кремл* | пентагон* | білий дім | білого дому | мзс | офіс президента",
    },
  },

  // Where and when.
  war: {
    say: {
      en: "war | wars | wartime | warfare | conflict* | invasion | invad* | front | frontline* | front line* | occupied | occupation | occupier* | offensive | attack* | shelling | shelled | artillery | drone* | airstrike* | strike* | battle* | fighting | ceasefire | truce | hostilities | de occupied | liberated | combat",
      fr: "guerre* | conflit* | invasion | envahi* | front | occupé* | occupation | occupant* | offensive | attaque* | bombard* | artillerie | drone* | frappe* | bataille* | combat* | cessez feu | trêve | libéré* | hostilités",
      de: "~krieg | ~konflikt | ~invasion | ~front | ~besetzt | ~besatzung | ~offensive | ~angriff | ~beschuss | ~artillerie | ~drohne | ~schlacht | ~kampf | ~waffenruhe | ~waffenstillstand | ~befreit",
      es: "guerra* | conflicto* | invasión | invadi* | frente | ocupad* | ocupación | ofensiva* | ataque* | bombarde* | artillería | dron* | batalla* | combat* | alto fuego | tregua | liberad* | hostilidades",
      ru: "войн* | военн* действи* | конфликт* | вторжени* | фронт* | оккупир* | оккупац* | оккупант* | наступлени* | атак* | обстрел* | артиллер* | беспилотник* | дрон* | удар* | =бой | =боя | =бои | =боях | =боям | =боем | =бою | =боями | боев* | боестолкновени* | бомбардир* | =бомбят | =бомбит | бомбил* | бомбежк* | =боец | =бойцы | =бойцов | боеприпас* | перемири* | освобожден* | сво",
      uk: "війн* | воєнн* | конфлікт* | вторгнен* | фронт* | окупов* | окупац* | окупант* | наступ* | атак* | обстріл* | артилер* | безпілотник* | дрон* | удар* | =бій | =бою | =бої | =боїв | =боях | =боям | =боєм | =боями | бойов* | бомбардув* | бомбил* | бомбит* | боєприпас* | перемир* | звільнен* | деокупов*",
    },
  },
  border: {
    say: {
      en: "border* | frontier* | buffer zone | demilitari*",
      fr: "frontière* | frontalier* | zone tampon | démilitaris*",
      de: "grenz* | ~staatsgrenze | ~landesgrenze | ~aussengrenze | ~ostgrenze | ~westgrenze | ~nordgrenze | ~sudgrenze | ~pufferzone | ~entmilitaris",
      es: "frontera* | fronteriz* | zona amortiguación | desmilitariz*",
      ru: "границ* | пограничн* | погранзон* | буферн* | демилитаризов*",
      uk: "кордон* | прикордон* | буферн* | демілітаризов*",
    },
  },
  land: {
    say: {
      en: "field* | farmland* | land | fields | village* | territory | territories | area | areas | road* | forest*",
      fr: "champ | champs | terre* | village* | territoire* | zone | zones | route* | forêt*",
      de: "feld* | ~getreidefeld | ~weizenfeld | ~maisfeld | ~schlachtfeld | ~ackerfeld | ~minenfeld | acker* | dorf* | ~heimatdorf | ~nachbardorf | ~grenzdorf | ~bergdorf | ~gebiet | ~flache | ~strasse | ~wald",
      es: "campo | campos | tierra* | aldea* | pueblo* | territorio* | zona | zonas | carretera* | camino* | bosque*",
      ru: "=поле | =поля | =полей | =полях | =полям | =полем | =полю | =полями | полев* | сельхозугод* | земл* | =село | =села | =селе | =селом | =селу | =сел | =селах | =селам | =селами | сельск* | селени* | селян* | деревн* | территори* | местност* | =дорога | =дороги | =дороге | =дорогу | =дорог | =дорогам | =дорогах | =дорогами | дорожн* | =лес | =леса | =лесу | =лесе | =лесом | =лесов | =лесах | =лесам | =лесами | лесн* | лесополос* | лесопосадк* | посадк*",
      uk: "=поле | =поля | =полів | =полях | =полям | =полем | =полі | =полями | польов* | сільгоспугід* | земл* | =село | =села | =селі | =селом | =селу | =сіл | =селах | =селам | =селами | сільськ* | селищ* | селян* | територі* | місцевост* | =дорога | =дороги | =дорозі | =дорогу | =дорогою | =доріг | =дорогам | =дорогах | =дорогами | дорожн* | =ліс | =лісу | =лісі | =лісом | =ліси | =лісів | =лісах | =лісам | =лісами | лісов* | лісосмуг* | лісопосад* | посадк*",
    },
  },

  // Neighbouring subjects whose words look alike.
  "mining-industry": {
    say: {
      en: "coal* | gold mine* | gold mining | gold miner* | goldmine* | copper | ore | iron ore | lithium | silver mine* | diamond mine* | uranium | nickel | cobalt | zinc | bauxite | potash | salt mine | miner | miners | mining* | colliery | collieries | quarr* | shaft | cave | collapse* | trapped | methane | mineral* | mine workers | mine worker | mineworker* | mine fire* | mine rescue* | mine rescuer*",
      fr: "charbon* | houill* | cuivre | minerai* | lithium | mine d'or | mines d'or | mine d'argent | diamant* | uranium | nickel | cobalt | mineur | mineurs | minier* | minière* | puits | galerie* | effondr* | éboul* | coincé* | grisou | carrière*",
      de: "~kohle | ~gold | ~kupfer | erz | erze | ~eisenerz | ~lithium | ~silber | ~diamant | uran* | ~nickel | ~kobalt | ~platin | =salz | ~kalisalz | ~steinsalz | ~salzbergwerk | ~salzstock | ~bergwerk | ~bergbau | ~bergleut | ~bergmann | ~kumpel | ~grube | ~zeche | ~stollen | ~schacht | ~einsturz | ~eingesturzt | ~verschuttet | ~eingeschlossen | ~tagebau | ~rohstoff",
      es: "carbón | carbon | mina oro | minas oro | cobre | mineral* | litio | plata | diamante* | uranio | níquel | cobalto | minero* | minera* | mineria* | yacimiento* | derrumbe* | socavón | atrapad* | grisú | cantera* | codelco | oro | fiebre oro",
      ru: "шахт* | рудник* | горняк* | горнорудн* | =угля | =углю | =углем | угольн* | углекоп* | угледобы* | =уголь | золот* | =медь | =меди | =медью | медн* | медедобыв* | медеплав* | руд* | лити* | алмаз* | уран* | никел* | обрушени* | завал* | заблокирова* | =метан | =метана | =метаном | =метане | метанов* | добыч* | месторожден* | =карьер | =карьеров | =карьером",
      uk: "шахт* | рудник* | гірник* | гірнич* | вугіл* | вугл* | золот* | =мідь | =міді | =міддю | мідн* | мідедобув* | мідеплав* | руд* | літі* | алмаз* | уран* | нікел* | обвал* | завал* | заблокова* | =метан | =метану | =метаном | =метані | метанов* | видобу* | родовищ* | =кар'єр | =кар'єром | =кар'єрів",
    },
  },
  crypto: {
    say: {
      en: "crypto* | bitcoin* | blockchain | ether* | hash* | data mining | text mining | process mining",
      fr: "crypto* | bitcoin* | blockchain | minage",
      de: "~krypto | ~bitcoin | ~blockchain | ~schurf",
      es: "cripto* | bitcoin* | blockchain | minería datos",
      ru: "крипт* | биткоин* | биткойн* | блокчейн* | майнинг* | майнер* | майнинг* ферм* | ферм* майнинг* | криптоферм*",
      uk: "крипт* | біткоїн* | біткойн* | блокчейн* | майнінг* | майнер* | майнінг* ферм* | ферм* майнінг* | криптоферм*",
    },
  },
  hoax: {
    say: {
      en: "bomb threat* | hoax* | false alarm* | evacuat* | anonymous threat* | threatening email* | email* threat* | threat* blow up | threatened blow up",
      fr: "alerte bombe | alertes bombe | canular* | fausse alerte | évacu* | menace* | anonyme* | courriel* | menace* faire sauter | fausse alerte bombe",
      de: "~bombendroh | ~drohung | ~evakuier | ~fehlalarm | ~anonym",
      es: "amenaza bomba | amenazas bomba | falsa alarma | evacu* | amenaza* | anónim* | correo* | aviso bomba | avisos bomba | aviso falso | amenaza falsa | falsa amenaza",
      ru: "сообщени* минировани* | сообщил* минировани* | =минируют школ* | =минируют =суды | заминир* =суды | заминир* =суд | заминир* =судов | =суда заминир* | =суд заминир* | лжеминир* | ложн* | эвакуир* | эвакуац* | анонимн* | письм* | угроз* | минировани* школ* | заминир* школ* | школ* заминир* | эвакуир* школ* | эвакуац* школ* | минировани* вокзал* | заминир* вокзал* | вокзал* заминир* | торгов* центр* | минировани* =суда | минировани* =судов | =суды заминир* | минировани* аэропорт* | заминир* аэропорт* | аэропорт* заминир* | угрож* взорва* | угроз* взрыв*",
      uk: "повідомлен* замінування | повідомлен* мінування | мінуван* школ* | мінуван* вокзал* | мінуван* =суду | мінуван* аеропорт* | =суди замінув* | =тц замінув* | вокзал* замінув* | аеропорт* замінув* | замінув* =суд | замінув* =шкіл | повідомили замінування | неправдив* | евакую* | евакуац* | анонімн* | =лист | =листа | =листи | =листів | =листом | =листі | =листах | =листами | =листу | загроз* | замінув* школ* | замінов* школ* | школ* замінов* | школ* замінув* | евакую* школ* | евакуац* школ* | замінув* вокзал* | замінов* вокзал* | вокзал* замінов* | замінув* =тц | замінов* =тц | =тц замінов* | замінув* =суду | замінув* =судів | =суди замінов* | замінов* =суди | замінув* аеропорт* | замінов* аеропорт* | аеропорт* замінов* | навчальн* заклад* | погроз* підірв* | погрожу* підірв*",
    },
  },
  games: {
    say: {
      any: "minecraft* minesweeper* ^Xbox ^PlayStation ^Nintendo ^Steam",
      en: "game | games | gaming | gamer* | video game* | player* | console* | board game*",
      fr: "jeu | jeux | jeu vidéo | joueur* | console*",
      de: "spiel* | ~videospiel | ~computerspiel | ~brettspiel | ~handyspiel | ~onlinespiel | ~computerspieler | ~konsole",
      es: "juego* | videojuego* | jugador* | consola*",
      ru: "=игра | =игры | =игре | =игру | =игрой | =игр | =играх | =играм | =играми | игров* | игрок* | геймер* | приставк*",
      uk: "гра | гри | =ігри | =ігор | =іграх | =іграм | =іграми | ігров* | гравц* | гравець | геймер* | приставк*",
    },
  },
  sports: {
    say: {
      any: "^NHL ^NBA ^NFL ^MLS ^UEFA ^FIFA",
      en: "hockey | senators | football | soccer | match* | goal* | team* | season* | coach* | league* | playoff* | striker | defender | transfer window | cup | olympic*",
      fr: "hockey | football | match* | but | buts | équipe* | saison* | entraîneur* | ligue* | coupe | olympique*",
      de: "~hockey | ~fussball | spiel* | ~fussballspiel | ~landerspiel | ~endspiel | ~heimspiel | ~auswartsspiel | ~pokalspiel | ~ligaspiel | ~fussballspieler | ~nationalspieler | tor | tore | ~mannschaft | ~trainer | liga* | ~bundesliga | ~fussballliga | ~eishockeyliga | ~saison | pokal* | ~weltpokal | ~europapokal | ~olympi",
      es: "hockey | fútbol | futbol | partido* | gol | goles | equipo* | temporada* | entrenador* | liga* | copa | olímpic* | defensa central | delantero*",
      ru: "хокке* | футбол* | матч* | гол | голы | =команда | =команды | =команде | =команду | =командой | =команд | =командам | =командах | =командами | сезон* | тренер* | =лига | =лиги | =лиге | =лигу | =лигой | =лиг | кубок* | олимпи*",
      uk: "хоке* | футбол* | матч* | гол | голи | =команда | =команди | =команді | =команду | =командою | =команд | =командам | =командах | =командами | сезон* | тренер* | =ліга | =ліги | =лізі | =лігу | =лігою | =ліг | кубок* | олімпі*",
    },
  },
  science: {
    say: {
      en: "galax* | star | stars | telescope* | astronom* | universe | planet* | cosmic | nasa | hubble | webb",
      fr: "galax* | étoile* | télescope* | astronom* | univers | planète* | cosmique*",
      de: "~galax | stern* | ~fixstern | ~neutronenstern | ~doppelstern | ~zwergstern | ~riesenstern | ~teleskop | astronom* | ~radioastronom | ~universum | ~planet | kosm*",
      es: "galaxia* | estrella* | telescopio* | astronom* | universo | planeta* | cósmic*",
      ru: "галакти* | звезд* | телескоп* | астроном* | вселенн* | планет* | космическ*",
      uk: "галакти* | зірк* | =зірок | зорян* | телескоп* | астроном* | всесвіт* | планет* | космічн*",
    },
  },
  medicine: {
    say: {
      en: "covid* | coronavirus | infection* | outbreak* | cases | hospital* | patient* | cancer* | cell | cells | disease* | virus* | vaccin* | headache* | medical | health",
      fr: "covid* | coronavirus | infection* | foyer* | cas | hôpita* | patient* | cancer* | cellule* | maladie* | virus | vaccin* | céphalée* | médical* | santé",
      de: "~covid | ~corona | ~infektion | ~krankheitsausbruch | ~coronaausbruch | ~virusausbruch | ~choleraausbruch | ~masernausbruch | ~ebolaausbruch | ~coronafall | ~krankheitsfall | ~infektionsfall | ~krebsfall | ~verdachtsfall | ~neuinfektion | ~krankenhaus | ~klinik | ~patient | ~krebs | zelle* | ~krankheit | ~virus | impf* | ~geimpft | ~impfung | ~impfstoff | ~ungeimpft | ~kopfschmerz | ~medizin | ~gesundheit",
      es: "covid* | coronavirus | contagio* | infección* | brote* | casos | hospital* | paciente* | cáncer | célula* | enfermedad* | virus | vacun* | cefalea* | médic* | salud | uva* | vino*",
      ru: "ковид* | коронавирус* | заражени* | инфекци* | вспышк* | случа* заражени* | случа* заболевани* | случа* инфицировани* | больниц* | пациент* | =рак | =рака | =раку | =раком | =раке | раков* | клетк* | болезн* | вирус* | вакцин* | медицин* | здоровь* | виноград*",
      uk: "ковід* | коронавірус* | зараж* | інфекці* | спалах* | випадк* захворюван* | випадк* інфікуван* | випадк* зараж* | лікарн* | пацієнт* | =рак | =раку | =рака | =раком | раков* | клітин* | хвороб* | вірус* | вакцин* | медичн* | здоров'* | виноград*",
    },
  },
  business: {
    say: {
      en: "industry | industrial | business* | compan* | startup* | tech | technology | innovation | economic | economy | investor* | investment* | market* | share* | stock market | server* | computing | kubernetes | database* | cloud",
      fr: "industri* | entreprise* | société* | start up | technolog* | innovation* | économi* | investiss* | marché* | action* | serveur* | pôle compétitivité | grappe industrielle",
      de: "~industrie | ~unternehmen | ~firma | ~startup | ~technolog | ~innovation | ~wirtschaft | ~invest | ~markt | aktie* | ~aktien | ~borse | ~server | ~rechenzentr",
      es: "industri* | empresa* | compañía* | startup* | tecnolog* | innovación | económic* | economía | inversi* | mercado* | accion* | servidor*",
      ru: "промышлен* | бизнес* | компани* | предприят* | стартап* | технолог* | инновац* | экономи* | инвест* | рын* | акционер* | котировк* | сервер*",
      uk: "промислов* | бізнес* | компані* | підприєм* | стартап* | технолог* | інновац* | економі* | інвест* | ринк* | акці* | сервер*",
    },
  },
  "other-treaty-subject": {
    say: {
      en: "climate | paris agreement | paris accord | tax | taxes | taxation | trade | free trade | tariff* | customs | energy charter | pandemic | world health | plastic* | torture | istanbul convention | human rights convention | minerals deal | minerals agreement | rare earth* | resources | investment | extradition | fisheries | waitangi | schengen | migration | asylum | labour | labor | union contract | collective agreement | strike",
      fr: "climat* | accord paris | impôt* | fiscal* | commerce | libre échange | droit* douane | douan* | charte l'énergie | pandémie | oms | plastique* | torture | convention d'istanbul | minerai* | terres rares | ressources | extradition | pêche | migration* | asile | syndicat* | convention collective | grève*",
      de: "~klima | pariser abkommen | =steuer | =steuern | ~steuerreform | ~steuererhoh | ~steuersenk | ~einkommensteuer | ~mehrwertsteuer | ~erbschaftsteuer | ~steuerzahler | ~steuerpolit | ~steuerlich | ~besteuerung | =handel | =handels | handelsabkommen* | handelskrieg* | handelsstreit* | handelspolitik* | handelsbilanz* | handelsbeziehung* | handelspartner* | handelsminister* | handelsvertrag* | ~aussenhandel | ~welthandel | ~freihandel | zoll* | ~strafzoll | ~schutzzoll | ~einfuhrzoll | ~importzoll | ~ausfuhrzoll | ~gegenzoll | ~autozoll | ~energiecharta | ~pandemie | ~plastik | ~folter | istanbul-konvention | ~rohstoff | ~seltene erden | ~auslieferungsantrag | ~auslieferungsabkommen | ~auslieferungshaft | ~auslieferungsverfahren | ~auslieferungsersuch | ~fischerei | ~migration | ~asyl | ~gewerkschaft | tarif* | ~lohntarif | ~streik",
      es: "clima* | acuerdo parís | acuerdo paris | impuesto* | fiscal* | comercio | libre comercio | arancel* | aduan* | carta energía | pandemia | oms | plástic* | tortura | convenio estambul | minerales | tierras raras | recursos | extradición | pesca | migra* | asilo | sindica* | convenio colectivo | huelga*",
      ru: "климат* | парижск* | налог* | торгов* войн* | торгов* соглашени* | торгов* сделк* | торгов* переговор* | торгов* отношени* | торгов* партнер* | торгов* пошлин* | торгов* баланс* | свободн* торговл* | пошлин* | таможен* | энергетическ* харти* | пандеми* | воз | пластик* | =пытка | =пытки | =пытке | =пытку | =пыткой | =пыток | =пыткам | =пытках | =пытками | пыточн* | =пытали | =пытал | =пытают | стамбульск* | недр* | полезн* ископаем* | редкоземельн* | ресурс* | экстрадиц* | рыболов* | миграц* | убежищ* | профсоюз* | забастовк*",
      uk: "клімат* | паризьк* | податк* | =податок | податков* | вільн* торгівл* | торгівл* угод* | торгівельн* | торговел* | =мито | =мита | =митом | =мит | митн* | енергетичн* харті* | пандемі* | вооз | пластик* | катуван* | стамбульськ* | =надра | =надр | =надрах | =надрами | корисн* копалин* | рідкісноземельн* | ресурс* | екстрадиц* | рибальств* | міграц* | притулок | профспілк* | страйк*",
    },
  },
  "ottawa-city": {
    say: {
      any: "^OC ^LRT ^NCC ^CFL",
      en: "city council | councillor* | mayor* | light rail | senators | redblacks | byward | rideau | gatineau | kanata | orleans | nepean | parliament hill | poilievre | convention centre | convention center | congress centre",
      fr: "conseil municipal | maire* | ville d'ottawa | gatineau | colline parlement | sénateurs | centre congrès | palais congrès",
      de: "bürgermeister | stadtrat",
      es: "alcalde* | concejo",
    },
  },
  metaphor: {
    say: {
      en: "political* | politics | election* | electoral | voter* | republican* | democrat* | gop | midterm* | brexit | budget* | coalition* | debt* | pension* | tax reform | legal minefield | ethical | etiquette | wedding* | holiday* | dating | parenting | emotional | social media | regulatory | paperwork | song* | album* | single | band | film* | movie* | novel* | book* | series | episode* | podcast* | gym | workout* | exercise* | squat* | fitness",
      fr: "politique* | élection* | électora* | électeur* | budget* | coalition* | dette* | retraite* | piège* | chanson* | album* | film* | roman* | livre* | série* | épisode*",
      de: "~politisch | ~wahl | ~wahler | ~wahlkampf | ~ampel | ~koalition | ~haushalt | ~schulden | rente* | ~altersrente | ~grundrente | ~mutterrente | =falle | ~kostenfalle | ~schuldenfalle | ~abofalle | ~radarfalle | ~blitzerfalle | lied | ~volkslied | ~kinderlied | ~liebeslied | ~friedenslied | ~song | ~album | ~film | ~roman | ~buch | serie* | ~fernsehserie | ~krimiserie | ~netflixserie | ~serienfolge | ~hundekot | ~hundehaufen | ~kugelschreiber | ~bleistift | ~tretmine | ~schreibgerat | ~kugelschreib | ~hundehauf | =haufen",
      es: "polític* | elecci* | electoral* | votant* | presupuest* | coalici* | deuda* | pensiones | trampa* | canción* | álbum* | película* | novela* | libro* | serie* | episodio* | lápiz | lapicero* | portaminas",
      ru: "политическ* | выбор* | избирател* | бюджет* | коалиц* | =долг | =долга | =долги | =долгу | =долгом | =долгов | =долгам | =долгах | =долгами | =долговой | =долговая | =долговые | =долговых | =долгового | =долговую | пенси* | песн* | альбом* | фильм* | ^роман | ^романа | ^романе | ^романом | ^роману | ^романы | ^романов | книг* | сериал* | кисл* мин* | мин* недовольств* | мимик* | карандаш*",
      uk: "політичн* | вибор* | виборц* | бюджет* | коаліц* | борг* | пенсі* | пісн* | альбом* | фільм* | ^роман | ^романи | ^роману | ^романом | ^романі | ^романів | книг* | серіал* | кисл* мін* | грима* | олів*",
    },
  },

  // Words that name treaties in general, and what a treaty on weapons says.
  treaty: {
    say: {
      en: "treaty | treaties | convention | conventions | pact | accord | agreement | protocol",
      fr: "traité* | convention* | pacte | accord* | protocole*",
      de: "~vertrag | ~vertrage | ~konvention | ~abkommen | ~ubereinkommen | ~pakt | ~protokoll",
      es: "tratado* | convención | convencion | convenciones | convenio* | pacto* | acuerdo* | protocolo*",
      ru: "договор* | конвенци* | пакт* | соглашени* | протокол*",
      uk: "договір | договор* | конвенці* | пакт* | угод* | протокол*",
    },
  },
  ban: {
    say: {
      en: "ban | bans | banned | banning | prohibit* | outlaw*",
      fr: "interdi* | prohib* | bannissement",
      de: "~verbot | ~verbiet | =achtung | ~minenachtung | geachtet*",
      es: "prohib* | proscrip*",
      ru: "запрет* | запрещ*",
      uk: "заборон*",
    },
  },
  ottawa: {
    say: { any: "ottawa* оттав* оттавськ* otava* otawa*" },
  },
  oslo: {
    say: { any: "oslo* осло" },
  },
} as const satisfies Record<string, ConceptSource>;

export type ConceptId = keyof typeof CONCEPT_SOURCES;

/**
 * Each concept's kind, kept apart from its phrases: the story model compares concepts by kind,
 * and code that only compares fingerprints (a store's index keys) carries this table and not
 * the phrases of six languages.
 */
const CONCEPT_KINDS = {
  landmine: "weapon",
  mine: "weapon",
  minefield: "weapon",
  "cluster-munition": "weapon",
  "explosive-remnant": "weapon",
  "explosive-device": "weapon",
  ordnance: "weapon",
  nuclear: "weapon",
  "arms-control": "weapon",
  withdraw: "action",
  accede: "action",
  ratify: "action",
  suspend: "action",
  vote: "action",
  sign: "action",
  announce: "action",
  notify: "action",
  "take-effect": "action",
  "lay-mines": "action",
  "use-weapon": "action",
  transfer: "action",
  produce: "action",
  "stockpile-destroy": "action",
  clear: "action",
  find: "action",
  explode: "action",
  kill: "action",
  injure: "action",
  casualty: "action",
  report: "action",
  advocate: "action",
  fund: "action",
  honour: "action",
  "nuclear-test": "action",
  accuse: "action",
  "mark-day": "action",
  meet: "action",
  "mine-action-organisation": "actor",
  "rights-organisation": "actor",
  "detection-animal": "actor",
  civilian: "actor",
  military: "actor",
  parliament: "actor",
  government: "actor",
  war: "context",
  border: "context",
  land: "context",
  "mining-industry": "domain",
  crypto: "domain",
  hoax: "domain",
  games: "domain",
  sports: "domain",
  science: "domain",
  medicine: "domain",
  business: "domain",
  "other-treaty-subject": "domain",
  "ottawa-city": "domain",
  metaphor: "domain",
  treaty: "treaty-word",
  ban: "treaty-word",
  ottawa: "treaty-word",
  oslo: "treaty-word",
} as const satisfies Record<ConceptId, ConceptKind>;

/** The phrases of one list, split on its separator. */
const listed = (source: string, separator: RegExp | string) =>
  source
    .split(separator)
    .map((phrase) => phrase.trim())
    .filter(Boolean);

/** Every phrase of the concept lexicon as written, for checks on the lexicon itself. */
export function conceptPhrases(): Array<{ concept: ConceptId; language: Language | "any"; phrase: string }> {
  return (Object.entries(CONCEPT_SOURCES) as Array<[ConceptId, ConceptSource]>).flatMap(([concept, { say, names }]) => [
    ...(Object.entries(say) as Array<[Language | "any", string]>).flatMap(([language, source]) =>
      listed(source, language === "any" ? /\s+/ : "|").map((phrase) => ({ concept, language, phrase })),
    ),
    ...listed(names ?? "", "|").map((phrase) => ({ concept, language: "any" as const, phrase })),
  ]);
}
export const CONCEPT_IDS = /* @__PURE__ */ Object.keys(CONCEPT_SOURCES) as ConceptId[];

export function conceptKind(id: ConceptId): ConceptKind {
  return CONCEPT_KINDS[id];
}

let indexes: Readonly<Record<Language, PhraseIndex<ConceptId>>> | undefined;

/** Built on first use: stemming every phrase takes a few milliseconds. */
function conceptIndexes(): Readonly<Record<Language, PhraseIndex<ConceptId>>> {
  if (indexes) return indexes;
  const built = {} as Record<Language, PhraseIndex<ConceptId>>;
  for (const language of LANGUAGES) {
    const phrases: Phrase<ConceptId>[] = [];
    for (const concept of CONCEPT_IDS) {
      const source: ConceptSource = CONCEPT_SOURCES[concept];
      const say = source.say;
      const own = say[language];
      if (own) phrases.push(...compileAlternatives(concept, own, language));
      if (source.names) phrases.push(...compileAlternatives(concept, source.names, language));
      // Names and acronyms are listed with spaces between them, each a phrase of its own.
      for (const name of say.any?.split(/\s+/).filter(Boolean) ?? [])
        phrases.push(compilePhrase(concept, name, language));
    }
    built[language] = new PhraseIndex(phrases);
  }
  indexes = built;
  return built;
}

/** The index of the concept lexicon's phrases in a language. */
export function conceptIndex(language: Language): PhraseIndex<ConceptId> {
  return conceptIndexes()[language];
}

export type ConceptMatch = PhraseMatch<ConceptId>;

/** Every concept the text mentions, in text order. */
export function findConcepts(analysis: Analysis): ConceptMatch[] {
  return conceptIndexes()[analysis.language].find(analysis);
}
