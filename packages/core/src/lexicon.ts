import type { Topic, TreatyId } from "./taxonomy.ts";

/**
 * The classifier's vocabulary: patterns over folded text (lower case, accents
 * stripped) in English, French, German, Spanish, Russian and Ukrainian.
 * Patterns start at a word boundary; stems may run on unless they end in `\b`.
 */
export function rx(source: string): RegExp {
  // Fold the pattern the way foldForMatching folds text (й→и, ї→і, é→e), and give it word edges.
  const folded = source
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/\\b/g, "(?![\\p{L}\\p{N}])");
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${folded})`, "giu");
}

/** Named patterns. */
export type Lexicon = ReadonlyArray<readonly [string, RegExp]>;

const W = "(?:[\\p{L}\\p{N}'-]+ )"; // one word and its space
const LAND_MINE = "(?:land ?mines?|mines? terrestres?|landminen?|minas? terrestres?)";
const AP_MINE =
  "(?:(?:anti-?personnel|antipersonnel|anti-?tank|anti-?vehicle|butterfly|scatterable|non-?persistent|nonpersistent) (?:land ?)?mines?\\b|mines? antipersonnel|antipersonenminen|minas? antipersona(?:l|s)?|противопехотн\\S* мин|противотанков\\S* мин|протипіхотн\\S* мін|протитанков\\S* мін|pfm-?1s?\\b|pom-?[23]\\b)";

/**
 * Phrases that look on-topic and are not. Their text is blanked before any cue is
 * read, so "political landmine" cannot count as a landmine.
 */
export const VETOES: Lexicon = [
  [
    "political-landmine",
    rx(
      "(?:political|electoral|legal|policy|pr|budget|budgetary|fiscal|diplomatic|regulatory|tax|financial|economic|ethical|emotional|social|cultural|partisan|domestic) (?:land ?mines?|minefields?)",
    ),
  ],
  [
    "minefield-metaphor",
    rx(
      `(?:minefield|landmine)s? of ${W}?(?:issues|questions|problems|rules|regulations|paperwork|emotions|choices|options|fees|jargon)`,
    ),
  ],
  [
    "everyday-minefield",
    rx(
      "(?:etiquette|wedding|dinner|holiday|dating|parenting|mortgage|pension|refund|insurance|tax|benefits|custody|copyright|privacy|hr|gdpr|festive|family) minefields?",
    ),
  ],
  ["terrain-mine", rx("(?:en|sur un|sur le) terrain mine\\b|minenfeld der \\S+")],
  [
    "gym-landmine",
    rx("landmine (?:press|row|squat|exercise|attachment|workout|rotation|twist|deadlift|thruster|base|handle)s?"),
  ],
  [
    "resource-mining",
    rx(
      "(?:coal|gold|copper|lithium|iron ore|iron|crypto|bitcoin|data|salt|diamond|silver|uranium|nickel|cobalt|zinc|tin|bauxite|potash|rare earths?|open-?pit|opencast|strip|deep-sea|underground|informal|artisanal|illegal|abandoned|disused)[ -](?:min(?:es?|ing|ers?)|mina|minas|mineria)\\b",
    ),
  ],
  ["minecraft", rx("minecraft|minesweeper")],
  [
    "health-or-tech-cluster",
    rx(
      "(?:covid(?:-19)?|coronavirus|outbreak|infection|cancer|case|measles|legionnaires'? disease|disease|kubernetes|k8s|server|compute|gpu|training|database|hadoop|galaxy|star|earthquakes?) clusters?|clusters? of (?:cases|infections|earthquakes|stars|galaxies|cells)",
    ),
  ],
  [
    "concealed-carry",
    rx("ccw (?:permits?|licen[cs]es?|holders?|applications?|class(?:es)?|backlog)|concealed[- ]carry"),
  ],
  ["ottawa-venue", rx("ottawa convention cent(?:re|er)")],
  ["new-start-phrase", rx("(?:a|the|fresh) new start\\b(?! (?:treaty|accord|pact|arms))")],
];

/** Cues that anchor an item in the domain on their own. */
export const STRONG_CUES: Lexicon = [
  ["anti-personnel-mine", rx(AP_MINE)],
  [
    "mine-action",
    rx(
      "mine (?:action|clearance|ban|victims?|survivors?|risk education|awareness|contamination|detection|clearing)|mine-(?:free|affected|contaminated|laying|clearing|clearance|detecting|sniffing)|landmine-sniffing|mine awareness",
    ),
  ],
  [
    "mine-action-organisation",
    rx(
      "halo trust|mines advisory group|apopo|norwegian people's aid|danish demining group|fondation suisse de deminage|unmas\\b|gichd\\b|international campaign to ban landmines|icbl\\b|cluster munition coalition|landmine monitor|cluster munition monitor",
    ),
  ],
  [
    "demining",
    rx(
      "de-?mining|de-?miners?|de-?mined\\b|deminage|demineurs?|minenraum\\S*|kampfmittelraum\\S*|desminado\\S*|desminador\\S*|разминир\\S*|розмінув\\S*|розмінуванн\\S*",
    ),
  ],
  [
    "explosive-remnants",
    rx(
      "unexploded (?:ordnance|bombs?|shells?|munitions?|bomblets?|devices?|explosives?)|uxos?\\b|explosive remnants|erw\\b|explosive ordnance|restes explosifs|engins? non explose\\S*|blindganger\\S*|restos explosivos|artefactos explosivos|неразорвавш\\S*|взрывоопасн\\S* предмет\\S*|вибухонебезпечн\\S*|нерозірван\\S*",
    ),
  ],
  [
    "cluster-munition",
    rx(
      "cluster (?:munitions?|bombs?|bomblets?|warheads?|weapons|shells?|rounds?|strikes?|attacks?|ammunition)|cluster-bomb\\S*|submunitions?|bomblets?|dpicm\\b|armes? a sous-munitions|sous-munitions|streumunition\\S*|municion\\S* en racimo|bombas? de racimo|кассетн\\S* (?:боеприпас|бомб|снаряд|оруж)\\S*|касетн\\S* (?:боєприпас|бомб|снаряд|зброї|зброя)\\S*",
    ),
  ],
  [
    "nuclear-testing",
    rx(
      "nuclear (?:tests?|testing|explosive tests?|weapons tests?|weapons testing)\\b|test(?:s|ing)? (?:of )?nuclear (?:weapons?|devices?|bombs?)|essais? nucleaires?|atomtests?|kernwaffentests?|ensayos? nucleares?|ядерн\\S* испытани\\S*|ядерн\\S* випробуван\\S*",
    ),
  ],
  [
    "arms-control",
    rx(
      "arms control|nuclear arms|intermediate-range (?:nuclear )?(?:missiles|forces)|strategic (?:nuclear )?(?:arms|offensive)|nuclear disarmament|disarmament|non-?proliferation|warhead (?:limits|caps)|maitrise des armements|rustungskontrolle|control de armas|контрол\\S* над (?:ядерн\\S* )?вооружени\\S*|контрол\\S* над озброєнн\\S*",
    ),
  ],
];

/** Landmine words that also serve as metaphors: they count only in a conflict context. */
export const AMBIGUOUS_CUES: Lexicon = [
  ["landmine", rx(`${LAND_MINE}\\b|land-mines?\\b`)],
  [
    "minefield",
    rx(
      "minefields?|champs? de mines|minenfeld\\S*|campos? minados?|campos? de minas|минн\\S* пол\\S*|мінн\\S* пол\\S*",
    ),
  ],
  [
    "mines",
    rx(
      "mine (?:blast|explosion|incident|accident|strike)s?\\b|(?:hit|hits|hitting|struck|strikes|stepped on|steps on|triggered|detonated|ran over|runs over|drove over) (?:an? |a land |the )?mines?\\b|(?:improvised|explosive|old|abandoned|unexploded|hidden|buried|russian|soviet-era|wartime|enemy) (?:land ?)?mines?\\b|(?:killed|injured|wounded|maimed|hurt) by (?:an? |the )?(?:\\S+ )?mines?\\b|mines\\b|minen\\b|minas\\b|мин(?:ы|ами|ам|ах)?\\b|мін(?:и|ами|ам|ах)?\\b|заминир\\S*|минировани\\S*|замінован\\S*|мінуванн\\S*|sappers?",
    ),
  ],
];

/** Words that put a mine word on a battlefield, a border or a clearance site. */
export const CONFLICT_CONTEXT = rx(
  "wars?\\b|wartime|troops|army|armed forces|military|soldiers?|servicem[ae]n|forces\\b|front ?lines?|frontline|occupied|occupation|shell(?:ing|s)?\\b|artillery|drones?|attacks?|offensive|invasion|insurgen\\S*|militants?|rebels?|junta|conflict|ceasefire|ordnance|explosives?|explosions?|blasts?|detonat\\S*|killed|kills?\\b|killing|injur\\S*|wounded|maim\\S*|amputat\\S*|limbs?\\b|legs?\\b|foot\\b|civilians?|children|farmers?|villag\\S*|clear(?:ed|ing|ance|s)?\\b|sappers?|anti-?personnel|banned|bans?\\b|treaty|convention|monitor|casualt\\S*|victims?|survivors?|hero rat|rats?\\b|sniff\\S*|ngos?\\b|halo trust|apopo|icbl|unicef|humanitarian|border|patrol\\S*|defen[cs]e|ministry|nato|hectares|contaminat\\S*|unexploded|remnants|shipping|navy|minesweep\\S*|isis|islamic state|taliban|houthis?|war-torn|krieg\\S*|guerre|guerra|войн\\S*|війн\\S*|армі\\S*|арми\\S*|fuerzas|militar\\S*|soldat\\S*",
);

/** Words that make a mine word a metaphor or a mining, game or gym story. */
export const NON_CONFLICT_CONTEXT = rx(
  "mine ?workers?|republicans?|democrats?|gop\\b|midterms?|voters?|elections?|electoral|polls?\\b|polling|zoning|housing|budget|taxe?s?\\b|abortion|social security|pensions?|medicaid|medicare|immigration|mortgages?|etiquette|wedding|refunds?|airlines?|copyright|investors?|shares\\b|stock market|earnings|brexit|schuldenbremse|board games?|video games?|games?\\b|players|shoulders?|exercise|workout|gym|fitness|miners?\\b|mining (?:company|companies|industry|sector|firm|giant|town|operations|project|licen\\S*|rights|boom|output)|colliery|quarry|tailings|ore\\b|ounces?|minerals?|songs?|album|toddlers?",
);

/** Treaty names and descriptions. */
export const TREATY_CUES: ReadonlyArray<readonly [TreatyId, RegExp]> = [
  [
    "mine-ban",
    rx(
      [
        "ottawa (?:convention|treaty|accord|pact|agreement|landmine|mine|process)",
        "(?:land ?mines?|anti-?personnel (?:land ?)?mines?|antipersonnel (?:land ?)?mines?|mine)[- ]ban\\b",
        `(?:land ?mines?|anti-?personnel (?:land ?)?mines?|antipersonnel (?:land ?)?mines?) (?:ban )?(?:treaty|convention|pact|accord)`,
        `(?:treaty|convention|pact|accord|agreement) ${W}{0,2}(?:banning|prohibiting|outlawing|that bans|on|against) (?:the use of )?(?:anti-?personnel |antipersonnel )?(?:land ?)?mines`,
        "ban on (?:anti-?personnel |antipersonnel )?(?:land ?)?mines",
        "convention d'ottawa|traite d'ottawa|convention sur l'interdiction des mines",
        "ottawa-(?:konvention|abkommen|vertrag|ubereinkommen)|verbot von (?:antipersonen|land)minen|(?:antipersonen|land)?minen-?verbot\\S*|minenverbotsvertrag",
        "(?:tratado|convencion) de ottawa|(?:tratado|convencion) (?:que prohibe|sobre|para la prohibicion de) (?:las )?minas",
        "оттавск\\S*|конвенци\\S* о запрещении (?:противопехотных )?мин|оттавськ\\S*|конвенці\\S* про заборону (?:протипіхотних )?мін",
      ].join("|"),
    ),
  ],
  [
    "ccm",
    rx(
      [
        "convention on cluster munitions|cluster munitions? convention|cluster (?:munitions? |bombs? )?bans?\\b",
        "(?:cluster (?:munitions?|bombs?)|cluster-munition) (?:ban )?(?:treaty|convention|pact|accord|ban)",
        `(?:treaty|convention|pact|accord) ${W}{0,2}(?:banning|prohibiting|outlawing|on) cluster (?:munitions|bombs)`,
        "oslo (?:convention|treaty|accord|cluster)",
        "convention sur les armes a sous-munitions|oslo-(?:ubereinkommen|konvention|abkommen)|ubereinkommen uber streumunition|convencion sobre municiones en racimo",
        "конвенци\\S* о кассетн\\S*|конвенці\\S* про касетн\\S*",
      ].join("|"),
    ),
  ],
  [
    "ccw",
    rx(
      "convention on (?:certain )?conventional weapons|certain conventional weapons|ccw\\b(?= (?:convention|protocol|meeting|conference|group|gge|states|review|talks))|(?:the|un) ccw\\b",
    ),
  ],
  [
    "att",
    rx(
      "arms trade treaty|att\\b(?= (?:conference|states|secretariat|csp))|traite sur le commerce des armes|waffenhandelsvertrag|tratado sobre el comercio de armas|договор\\S* о торговле оружием",
    ),
  ],
  [
    "ctbt",
    rx(
      "ctbto?\\b|comprehensive (?:nuclear[- ])?test[- ]ban|(?:nuclear )?test[- ]ban (?:treaty|pact|accord)|nuclear test ban|global (?:nuclear )?test ban|interdiction complete des essais nucleaires|(?:atom|kernwaffen)teststopp\\S*|prohibicion completa de los ensayos nucleares|двзяи\\b|дввзя\\S*|запрещени\\S* ядерных испытаний|заборону ядерних випробувань",
    ),
  ],
  [
    "new-start",
    rx(
      "new start\\b(?= (?:treaty|accord|pact|agreement|arms|nuclear|deal|limits|caps|ceilings|limit|inspections|data|suspension|expir\\S*|successor|reaches|ends|lapses|lapse|caps|central))|(?:after|beyond|on|of|from|under|to|russia's|moscow's) new start\\b|(?:treaty|accord|pact) new start\\b|new start nuclear|strategic arms reduction|(?:last|final) (?:remaining )?(?:u\\.?s\\.?-russia(?:n)? |russia-u\\.?s\\.? )?(?:nuclear )?arms (?:control )?(?:treaty|pact|accord)|u\\.?s\\.?-russia(?:n)? nuclear (?:arms )?(?:treaty|pact|accord)|снв-3|дснв\\b|договор\\S* о снв|договор\\S* о сокращении стратегических|дсно\\b|снo-3",
    ),
  ],
  [
    "npt",
    rx(
      "npt\\b|non-?proliferation treaty|treaty on the non-?proliferation|nuclear non-?proliferation treaty|traite de non-proliferation|tnp\\b|atomwaffensperrvertrag|tratado de no proliferacion|днят\\b|договор\\S* о нераспространении|дняз\\b|договор\\S* про нерозповсюдження",
    ),
  ],
  [
    "inf",
    rx(
      "inf (?:treaty|pact|accord|moratorium)|intermediate-range nuclear forces|дрсмд\\b|ракет средней и меньшей дальности",
    ),
  ],
];

/** Treaties whose news belongs to other arms control rather than landmines or cluster munitions. */
export const OTHER_ARMS_CONTROL_TREATIES: ReadonlySet<TreatyId> = new Set([
  "ccw",
  "att",
  "ctbt",
  "new-start",
  "npt",
  "inf",
]);

/** Topic cues; they count only once the item is anchored in the domain. */
export const TOPIC_CUES: ReadonlyArray<readonly [Topic, RegExp]> = [
  [
    "treaty-status",
    rx(
      "withdr[ae]w\\S*|withdrawal|review\\b|out of the\\b|(?:take|takes|taking|took|pull\\S*|get\\S*) \\S+ out\\b|exit\\S*|leav(?:e|es|ing)\\b|left the|quit\\S*|ditch\\S*|pull\\S* (?:\\S+ )?out|denounc\\S*|renounc\\S*|accede\\S*|accession|join\\S*|ratif\\S*|signator\\S*|notif\\S*|instrument of|papers|review conference|takes? effect|took effect|in force|halt\\S*|suspen\\S*|breach\\S*|violat\\S*|compliance|stay in|remain in|closer to|anniversary|years of the|biggest test|retrait|quitter|sortie|se retirer|adhesion|austritt\\S*|austreten|aufkund\\S*|ausstieg\\S*|verlassen|beitritt|retirada|retiro|abandon\\S*|salir|salida|выход\\S*|выйти|денонс\\S*|ратифик\\S*|приостан\\S*|вихід\\S*|вийти|виходу|ратифік\\S*|призупин\\S*",
    ),
  ],
  [
    "mine-use",
    rx(
      [
        "mines (?:were |being |had been |have been |are being )?(?:planted|laid|scattered|newly laid)",
        `(?<!(?:not|never|no longer|won't) )(?:us(?:e|es|ed|ing)|laid|lay(?:s|ing)?|planted|plant(?:s|ing)?|scatter(?:ed|s|ing)?|deploy(?:s|ed|ing|ment)?|emplac\\S*|fired|employ\\S*) (?:of )?${W}{0,3}(?:land ?)?mines`,
        "mines (?:\\S+ )?(?:be |been |were |was )?used\\b|(?:new|fresh|mass|widespread) (?:mine )?use|mine use|mine-laying|minelaying|newly (?:laid|planted)|(?:laid|planted) (?:new|fresh)|new(?:ly)? (?:land ?)?mines?\\b|mining (?:of )?(?:the )?(?:front|roads|fields|border|territory|approaches)|use of (?:banned )?(?:anti-?personnel |antipersonnel )?(?:land ?)?mines|deployment of such",
        "pose de mines|poser des mines|utilisation de mines|employer ces armes|emploi de mines|einsatz von \\S*minen|verleg\\S* \\S*minen|uso de minas|sembr\\S* minas|coloc\\S* minas|применени\\S* (?:противопехотных )?мин|минировани\\S*|установ\\S* мин|застосуванн\\S* (?:протипіхотних )?мін|мінуванн\\S*",
      ].join("|"),
    ),
  ],
  [
    "casualties",
    rx(
      "killed|kills?\\b|killing|injur\\S*|wounded|hurt\\b|casualt\\S*|maim\\S*|amputat\\S*|died|dies\\b|die (?:in|after|from|of)\\b|limbs\\b|(?:mine|landmine|land mine) (?:blast|explosion)s?\\b|deaths?|dead\\b|death toll|toll\\b|los(?:t|es|ing) (?:his |her |their |a )?(?:right |left )?(?:legs?|foot|feet|limbs?|arms?|hands?)|harm\\S* civilians|victims of|tue\\S*|blesse\\S*|morts?\\b|victimes|getotet\\S*|verletzt\\S*|tote\\b|todesopfer|opfer|muert\\S*|herid\\S*|victimas|погиб\\S*|ранен\\S*|жертв\\S*|пострадав\\S*|подорвал\\S*|загин\\S*|поранен\\S*|постражд\\S*|підірвал\\S*",
    ),
  ],
  [
    "clearance",
    rx(
      `de-?mining|de-?miners?|de-?mine\\S*|sappers?|clear(?:ed|ing|ance|s)\\b|clear ${W}{0,2}(?:mines|minefields|fields|land|areas?|ordnance|explosives|roads|villages)|(?:non-?)?technical survey|survey(?:ed|ing|s)? (?:teams?|of)|land release|unexploded|uxos?\\b|explosive remnants|erw\\b|mine-free|mine action|sniff\\S*|remov\\S* ${W}{0,2}(?:mines|explosive)|defus\\S*|neutrali[sz]\\S*|hectares|deminage|demineur\\S*|minenraum\\S*|kampfmittelraum\\S*|desminado\\S*|desminador\\S*|разминир\\S*|сапер\\S*|розмінув\\S*|розмінуванн\\S*`,
    ),
  ],
  [
    "stockpile-transfer",
    rx(
      [
        "stockpil\\S*|arsenal|stocks? of",
        `(?:transfer|suppl(?:y|ies|ied|ying)|ship|shipp\\S*|send|sends|sending|sent|deliver\\S*|provid\\S*|give|gives|giving|hand\\S* over|export\\S*|import\\S*|buy\\S*|bought|purchas\\S*|procur\\S*|acquir\\S*|order\\S*|produc\\S*|manufactur\\S*|destroy\\S*|destruction of|eliminat\\S*) ${W}{0,3}(?:land ?mines|mines|munitions|submunitions|bombs|weapons|rounds|shells)`,
        `(?:mines|munitions|landmines|stocks|stockpiles?) ${W}{0,2}(?:destroyed|destruction|eliminated)|(?:mine|munition)s? (?:production|factory|factories|plant|transfer|transfers|shipment|deliveries)|(?:mines|munitions|bombs|landmines) (?:bound )?(?:for|to) (?:ukraine|kyiv|kiev|israel|taiwan)|for transfer|(?:the|agree\\S* to|approv\\S*) (?:the )?(?:transfer|sale|shipment|delivery|export)\\b`,
        "livr\\S*|liefer\\S*|envi\\S* (?:minas|municiones|bombas)|entrega\\S*|переда\\S*|постав\\S*|передач\\S*|постач\\S*|запас\\S*",
      ].join("|"),
    ),
  ],
  [
    "cluster-munitions",
    rx(
      "cluster (?:munitions?|bombs?|bomblets?|warheads?|weapons|shells?|rounds?|strikes?|attacks?|ammunition|bans?)\\b|cluster-bomb\\S*|submunitions?|bomblets?|dpicm\\b|sous-munitions|streumunition\\S*|en racimo|кассетн\\S*|касетн\\S*",
    ),
  ],
  [
    "advocacy-humanitarian",
    rx(
      "urg(?:e|es|ed|ing)\\b|calls? (?:on|for)\\b|called (?:on|for)\\b|condemn\\S*|campaign(?:s|ers?|ing)?\\b|critici[sz]\\S*|critics|activists?|nobel|appeal\\S*|humanitarian (?:organi[sz]ations|groups|agencies)|ngos?\\b|charities|icbl\\b|victim assistance|help for victims|mine awareness|open letter|organisations humanitaires|organizaciones humanitarias|critican|humanitare organisationen|правозащит\\S*|правозахис\\S*",
    ),
  ],
  [
    "other-arms-control",
    rx(
      "ctbto?\\b|test[- ]ban|new start\\b|npt\\b|non-?proliferation|arms trade treaty|inf treaty|nuclear (?:tests?|testing|arsenal|warheads?|arms|weapons)|arms control|strategic (?:nuclear )?(?:arms|offensive|warheads)|deployed (?:strategic )?warheads|warhead (?:limits|caps)|disarmament|essais? nucleaires|двзяи|дснв|снв",
    ),
  ],
];
