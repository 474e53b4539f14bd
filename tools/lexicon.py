"""Per-language lexicons for the edit interpreter: French, German and Spanish words → slots.

The grammar of :mod:`tools.interpreter` is written once, over English slot words (verbs such
as *make*, *remove*, *regenerate*; targets such as *beat*, *image*, *music*, *palette*,
*brand*; references such as *third*, *last*; units such as *seconds*, *dB*). Each lexicon
maps the words of another language onto those slot words, so "supprime la deuxième scène",
"lösche die zweite Szene" and "elimina la segunda escena" all read as "remove the second
beat" to the grammar. Two rules of the other languages' word order are applied on top:
German puts the verb (or its particle: "benenne ... um", "generiere ... neu") at the end,
and French and Spanish put "plus"/"más" before an adjective ("plus calme" → "calmer").

Values are never translated for good: :func:`canonical` keeps a map from the English reading
back to the user's words, and :meth:`Reading.original` turns any value the grammar picked
out (a description, on-screen text, a brand) back into exactly what the user wrote.
Quoted text is never translated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# fmt: off
#: Word (or words) → slot word(s), per language. Keys are lower case without accents; "" drops
#: a word that carries no slot (an article the grammar does not need).
FRENCH: dict[str, str] = {
    # verbs
    "fais": "make", "faites": "make", "faire": "make", "rends": "make", "rendre": "make",
    "fais-la": "make it", "fais-le": "make it", "rends-la": "make it", "rends-le": "make it",
    "genere": "generate", "generer": "generate", "cree": "create", "a nouveau": "again",
    "de nouveau": "again", "encore une fois": "again",
    "mets": "put", "transforme": "turn", "transformez": "turn", "transformer": "turn",
    "convertis": "turn", "mettez": "put", "mettre": "put", "passe": "switch", "passer": "switch",
    "supprime": "remove", "supprimez": "remove", "supprimer": "remove", "enleve": "remove",
    "retire": "remove", "efface": "remove", "refais": "regenerate", "refaites": "regenerate",
    "refaire": "regenerate", "regenere": "regenerate", "regenerez": "regenerate",
    "regenerer": "regenerate", "recree": "regenerate", "deplace": "move", "deplacez": "move",
    "bouge": "move", "ajoute": "add", "ajoutez": "add", "ajouter": "add", "remplace": "replace",
    "remplacez": "replace", "change": "change", "changez": "change", "changer": "change",
    "modifie": "change", "renomme": "rename", "renommez": "rename", "utilise": "use",
    "utilisez": "use", "prends": "use", "baisse": "lower", "baissez": "lower",
    "augmente": "raise", "monte": "raise", "continue": "continue", "continuez": "continue",
    "continuer": "continue", "suivant": "next", "vas-y": "go ahead", "allez-y": "go ahead",
    "termine": "finish", "terminer": "finish", "on termine": "finish", "finis": "finish",
    "finalise": "finish", "echange": "swap", "inverse": "swap", "compare": "compare",
    "comparez": "compare", "coupe": "cut", "raccourcis": "shorten", "allonge": "extend",
    "durer": "last", "dure": "last", "montre": "show", "affiche": "show", "ecris": "write",
    "dois": "should", "doit": "should", "devrait": "should", "veux": "want", "voudrais": "want",
    # targets
    "scene": "beat", "scenes": "beat", "sequence": "beat", "plan n": "beat", "image": "image",
    "images": "images", "photo": "photo", "clip": "clip", "clips": "clips", "extrait": "clip",
    "musique": "music", "bande son": "soundtrack", "bande-son": "soundtrack",
    "couleurs": "colours", "couleur": "colour", "palette": "palette", "lumiere": "lighting",
    "eclairage": "lighting", "camera": "camera", "marque": "brand", "produit": "product",
    "titre": "title", "texte": "text", "duree": "duration", "video": "video", "pub": "ad",
    "publicite": "ad", "debut": "start", "fin": "end", "branche": "branch", "volume": "volume",
    "cout": "cost", "tempo": "tempo", "ambiance": "mood", "ton": "tone",
    # units, numbers, references
    "secondes": "seconds", "seconde": "second", "sec": "seconds", "minute": "minute",
    "premier": "first", "premiere": "first", "deuxieme": "second", "second": "second",
    "seconde scene": "second beat", "troisieme": "third", "quatrieme": "fourth",
    "cinquieme": "fifth", "sixieme": "sixth", "septieme": "seventh", "huitieme": "eighth",
    "neuvieme": "ninth", "dixieme": "tenth", "dernier": "last", "derniere": "last",
    "avant-dernier": "penultimate", "avant-derniere": "penultimate", "un": "a", "une": "a",
    "deux": "two", "trois": "three", "quatre": "four", "cinq": "five", "six": "six",
    "sept": "seven", "huit": "eight", "neuf": "nine", "dix": "ten", "quinze": "fifteen",
    "vingt": "twenty", "trente": "thirty", "toutes les": "all the", "tous les": "all the",
    # small words
    "le": "the", "la": "the", "les": "the", "l'": "the", "des": "", "du": "", "de la": "",
    "de": "", "d'": "", "en": "to", "a": "to", "au": "to the", "avec": "with", "pour": "for",
    "sur": "on", "dans": "in", "apres": "after", "avant": "before", "et": "and", "puis": "then",
    "plus": "more", "moins": "less", "tres": "very", "un peu": "a bit", "s'il te plait": "please",
    "s'il vous plait": "please", "stp": "please", "svp": "please", "merci": "thanks",
    "combien": "how much", "ca": "it", "a coute": "cost", "coute": "cost", "coutait": "cost",
    "depense": "spent", "jusqu'ici": "so far", "jusqu'a present": "so far", "c'est": "it is",
    "parfait": "perfect", "c'est parfait": "perfect", "c'est bon": "looks good",
    "c'est fini": "done", "on a fini": "we're done", "ok": "ok", "oui": "yes", "pas": "not",
    "avoir": "have", "ait": "have", "soit": "be", "etre": "be", "sont": "are", "j'aime": "i like",
    "ca me va": "works for me", "ca marche": "that works",
    "on continue": "continue", "retourne au": "go back to the", "reviens au": "go back to the",
    "retour au": "back to the", "quelque chose de": "something", "detendu": "relaxed",
    "detendue": "relaxed",
    "passe a la suite": "next step", "passons a la suite": "next step", "la suite": "next step",
    "etape suivante": "next step", "moi": "me", "pour moi": "for me", "nom": "name",
    "par": "with", "montrer": "show",
    "montre-moi": "show me", "afficher": "show",
    "devraient": "should", "ne me plait pas": "is bad",
    "ne me plaisent pas": "is bad", "refais-la": "regenerate it", "refais-le": "regenerate it",
    "trop": "too", "s'appelle": "is called", "s'appellera": "will be called",
    "maintenant": "now", "desormais": "now", "cette": "this", "ce": "this", "cet": "this",
    "panoramique": "pan", "vers la gauche": "to the left", "vers la droite": "to the right",
    "a gauche": "to the left", "a droite": "to the right", "gauche": "left", "droite": "right",
    "vers le haut": "up", "vers le bas": "down", "zoom avant": "zoom in",
    "zoom arriere": "zoom out",
    "travelling avant": "push in", "travelling arriere": "pull out", "si": "if", "faisait": "make",
    "faisions": "make", "me demander": "asking me", "demander": "asking", "exporte": "export",
    "exporter": "export", "exportez": "export", "festif": "festive", "festive": "festive",
    "en premier": "first", "en dernier": "last", "plus lumineuse": "brighter",
    "plus lumineux": "brighter",
    "automatiquement": "automatically", "je": "i", "j'": "i", "nous": "we",
    "sans": "without", "arrete": "stop", "s'arreter": "stopping", "jusqu'a la fin": "to the end",
    "l'ensemble": "everything", "tout": "everything", "quoi": "what", "quel": "what",
    "quelle": "what", "ou": "where", "en sommes-nous": "are we", "compare avec": "compare with",
    # adjectives (a comparative follows "plus")
    "calme": "calm", "chaud": "warm", "chaude": "warm", "chauds": "warm", "chaudes": "warm",
    "froid": "cool", "froide": "cool", "froids": "cool", "froides": "cool", "sombre": "dark",
    "sombres": "dark", "fonce": "dark", "foncees": "dark", "clair": "light", "claire": "light",
    "claires": "light", "lent": "slow", "lente": "slow", "rapide": "fast", "doux": "soft",
    "feminine": "female", "feminin": "female", "masculine": "male", "masculin": "male",
    "douce": "soft", "fort": "loud", "forte": "loud", "pastel": "pastel", "vives": "vivid",
    "vif": "vivid", "energique": "energetic", "joyeux": "happy", "joyeuse": "happy",
    "lumineux": "bright", "lumineuse": "bright", "elegant": "elegant",
    "dramatique": "dramatic", "ludique": "playful", "romantique": "romantic",
    "court": "short", "courte": "short", "courts": "short", "longue": "long",
    "fini": "done", "finie": "done", "est": "is", "t'": "", "m'": "", "s'": "", "n'": "",
    "arreter": "stopping", "pause": "pause", "on passe a": "switch to", "passons a": "switch to",
    # beat types
    "offre": "offer", "promo": "offer", "accroche": "hook", "probleme": "problem",
    "temoignage": "testimonial", "appel a l'action": "call to action", "carte de fin": "end card",
    "logo": "logo", "revelation du produit": "product reveal", "revelation": "reveal",
    "mode de vie": "lifestyle", "avant/apres": "before/after", "preuve sociale": "social proof",
    "bas": "low", "haut": "high", "cette fois": "this time", "garde": "keep", "gardez": "keep",
    "telle quelle": "as it is", "tel quel": "as it is", "tels quels": "as they are",
    "telles quelles": "as they are",
    # voiceover, captions, the mix
    "voix": "voice", "voix off": "voiceover", "voix-off": "voiceover", "narrateur": "narrator",
    "narratrice": "narrator", "commentaire": "voiceover",
    "sous-titres": "subtitles", "sous-titre": "subtitle", "sous titres": "subtitles",
    "legendes": "captions", "legende": "caption", "sous": "under", "derriere": "behind",
    "par rapport a": "against", "par rapport au": "against the", "face a": "against",
    "grand": "big", "grande": "big", "grands": "big", "grandes": "big", "petit": "small",
    "petite": "small", "petits": "small", "petites": "small", "incruste": "burned",
    "incrustes": "burned", "incrustez": "burn", "incruster": "burn", "desactive": "disable",
    "desactiver": "disable", "activez": "enable", "activer": "enable", "coupe la": "cut the",
    "autre": "another", "differente": "different", "nouvelle": "new", "nouveau": "new",
    "jusqu'au bout": "to the end", "bout": "end", "jusqu'au": "to the",
    "entend": "hear", "entendre": "hear", "couvre": "covers",
    "meilleure": "better", "meilleur": "better", "quelle branche": "which branch",
    "prochaine etape": "next step", "va couter": "will cost", "coutera": "will cost",
    "arrete-toi": "stop", "t'arreter": "stopping", "plutot": "", "ne": "not", "entre": "between",
    "qu'est-ce qui": "what", "qu'est-ce que": "what",
    "dire": "say", "dise": "say", "dit": "say", "pourrais-tu": "", "peux-tu": "", "tu peux": "",
    "tu pourrais": "", "vous pouvez": "", "pouvez-vous": "", "pourriez-vous": "",
    "peut-on": "can we", "on peut": "can we", "peut": "can", "peux": "can", "pourrait": "could",
    "est-ce que": "", "est-ce qu'": "",
    "baisser": "lower", "monter": "raise",
    "augmenter": "raise", "enlever": "remove", "difference": "difference",
    "c'est combien": "what is the cost", "ca fait combien": "what is the cost",
    "d'un coup": "", "une demi-minute": "half a minute", "demi-minute": "half a minute",
    "battements par minute": "beats per minute",
    "demande": "ask", "demandes": "ask", "plus rien": "anymore", "plus jamais": "anymore",
    # a scene after "comme", a standing instruction, steps, "too", a length as a question
    "pas de": "no", "pas d'": "no ", "le son": "the sound", "du son": "of the sound",
    "ressemble a": "look like", "ressemblent a": "look like", "ressemble": "look like",
    "ressembler a": "look like", "fais que": "make", "faites que": "make",
    "comme": "as", "a partir de maintenant": "from now on", "des maintenant": "from now on",
    "dorenavant": "from now on", "a partir d'ici": "from now on", "etape": "step",
    "etapes": "steps", "phase": "phase", "phases": "phases", "aussi": "too",
    "le faire": "make it", "la faire": "make it", "en premiere position": "first",
    "en derniere position": "last", "a la fin": "to the end", "au debut": "to the start",
    "place": "place", "position": "position", "laisser": "leave", "laisse": "leave",
    "qu'ai-je change": "what changed", "change entre": "changed between", "versus": "versus",
    "tenir": "fit", "tiendrait": "fit", "tient": "fit",
    "juste": "just", "homme": "man", "femme": "woman", "tout de suite": "right",
    "completement": "completely",
    "entierement": "completely", "decibels": "decibels", "decibel": "decibel", "vue": "image",
    "cliche": "photo", "vignette": "frame", "muette": "muted", "muet": "muted",
}

GERMAN: dict[str, str] = {
    # verbs (the particle of a split verb is dropped or becomes "again")
    "mach": "make", "mache": "make", "macht": "make", "machen": "make", "lass": "make",
    "gestalte": "make", "verwandle": "turn", "verwandel": "turn", "verwandeln": "turn",
    "setze": "set", "setz": "set", "stelle": "set", "stell": "set",
    "losche": "remove", "losch": "remove", "loschen": "remove", "entferne": "remove",
    "entfernen": "remove", "streiche": "remove", "generiere": "regenerate",
    "generier": "regenerate", "erstelle": "regenerate", "erzeuge": "regenerate", "neu": "anew",
    "sanft": "gentle",
    "mir": "me",
    "verschiebe": "move", "verschieb": "move", "schiebe": "move", "bewege": "move",
    "fuge": "add", "hinzu": "", "ersetze": "replace", "ersetz": "replace", "andere": "change",
    "andern": "change", "aber": "but",
    "aender": "change", "wechsle": "switch", "wechsel": "switch", "benenne": "rename",
    "um": "", "nenne": "call", "nimm": "use", "nutze": "use", "verwende": "use",
    "benutze": "use", "weiter": "continue", "mach weiter": "continue", "weitermachen": "continue",
    "fertig": "done", "fertigstellen": "finish", "abschliessen": "finish",
    "schliesse ab": "finish", "vergleiche": "compare", "tausche": "swap", "vertausche": "swap",
    "senke": "lower", "erhohe": "raise", "kurze": "shorten", "verlangere": "extend",
    "zeige": "show", "zeig": "show", "schreibe": "write", "schreib": "write", "soll": "should",
    "sollte": "should", "dauern": "last", "dauert": "last",
    # targets
    "szene": "beat", "szenen": "beat", "einstellung": "beat", "bild": "image",
    "bilder": "images", "foto": "photo", "clip": "clip", "clips": "clips", "musik": "music",
    "soundtrack": "soundtrack", "farben": "colours", "farbe": "colour", "farbpalette": "palette",
    "palette": "palette", "licht": "lighting", "beleuchtung": "lighting", "kamera": "camera",
    "marke": "brand", "produkt": "product", "titel": "title", "text": "text",
    "lange": "length", "dauer": "duration", "video": "video", "werbung": "ad", "spot": "spot",
    "anfang": "start", "beginn": "start", "ende": "end", "schluss": "end", "zweig": "branch",
    "kosten": "cost", "lautstarke": "volume", "stimmung": "mood",
    # units, numbers, references
    "sekunden": "seconds", "sekunde": "second", "sek": "seconds", "minute": "minute",
    "erste": "first", "ersten": "first", "erstes": "first", "zweite": "second",
    "zweiten": "second", "dritte": "third", "dritten": "third", "vierte": "fourth",
    "vierten": "fourth", "funfte": "fifth", "funften": "fifth", "sechste": "sixth",
    "sechsten": "sixth", "siebte": "seventh", "siebten": "seventh", "achte": "eighth",
    "achten": "eighth", "neunte": "ninth", "neunten": "ninth", "letzte": "last",
    "letzten": "last", "letztes": "last", "vorletzte": "penultimate", "vorletzten": "penultimate",
    "zwei": "two", "drei": "three", "vier": "four", "funf": "five", "sechs": "six",
    "sieben": "seven", "acht": "eight", "zehn": "ten", "zwolf": "twelve", "funfzehn": "fifteen",
    "zwanzig": "twenty", "dreissig": "thirty", "alle": "all the",
    # small words
    "der": "the", "die": "the", "das": "the", "den": "the", "dem": "the", "des": "the",
    "ein": "a", "eine": "a", "einen": "a", "einem": "a", "einer": "a", "es": "it",
    "zu": "into", "mit": "with", "fur": "for", "auf": "to", "an": "to", "ans": "to the",
    "in": "in", "nach": "after",
    "vor": "before", "und": "and", "dann": "then", "mehr": "more", "weniger": "less",
    "vorher": "before", "nachher": "after", "kommen": "go", "kommt": "goes",
    "diesmal": "this time", "dieses mal": "this time", "behalte": "keep", "behalt": "keep",
    "unverandert": "unchanged",
    "etwas": "a bit",
    "bitte": "please", "danke": "thanks", "was": "what", "hat": "did", "gekostet": "cost",
    "kostet": "cost", "bisher": "so far", "ausgegeben": "spent", "wie viel": "how much",
    "wieviel": "how much", "perfekt": "perfect", "gut": "good", "passt": "looks good",
    "ja": "yes", "ohne": "without", "anhalten": "stopping", "fragen": "asking",
    "bis zum ende": "to the end", "an den anfang": "to the start", "ans ende": "to the end",
    "an das ende": "to the end", "wir sind fertig": "we're done", "sind": "are", "wir": "we",
    "ich": "i", "automatisch": "automatically",
    # how a beat should look: "Beat 3 soll wie ein Sonnenuntergang aussehen"
    "aussehen": "look", "aussieht": "look", "ausschauen": "look", "wirken": "look",
    "wie": "like",
    "wo": "where", "stehen": "are", "zwischen": "between", "lang": "long", "haben": "have",
    "hast": "have", "habe": "have", "ist": "is", "wird": "will", "werden": "be", "sollen": "should",
    "mochte": "want", "will": "want", "wollen": "want", "bekommen": "get", "kriegen": "get",
    "zuruck zum": "back to the", "zuruck zur": "back to the", "geh zuruck zum": "go back to the",
    "pastellig": "pastel", "pastelliger": "pastel", "pastelligere": "pastel", "hinter": "after",
    "alles": "all", "alles klar": "ok", "entspannt": "relaxed",
    "entspannter": "more relaxed", "bis": "to", "nachster schritt": "next step", "name": "name",
    "durch": "with",
    "heisst": "is called", "heissen": "be called",
    "jetzt": "now", "nun": "now",
    "diesen": "this", "diese": "this", "dieses": "this", "dieser": "this", "rendere": "regenerate",
    "zu laut": "too loud", "zu leise": "too quiet", "zu schnell": "too fast",
    "zu langsam": "too slow", "laut": "loud", "leise": "quiet", "duster": "dark", "dustere": "dark",
    "finale": "final", "finalen": "final", "anzeigen": "show", "zeigen": "show", "zeigt": "shows",
    "kamerafahrt": "pan", "schwenk": "pan", "schwenkt": "pans",
    "schwenke": "pan", "schwenken": "pan", "neigt": "tilts", "nach links": "left",
    "nach rechts": "right",
    "nach oben": "up", "nach unten": "down", "heranzoomen": "zoom in", "reinzoomen": "zoom in",
    "rauszoomen": "zoom out", "kannst du": "", "konntest du": "", "konnen sie": "",
    "kurzen": "shorten", "pause": "pause", "pausen": "pauses",
    "exportiere": "export", "exportieren": "export",
    # adjectives and comparatives
    "weibliche": "female", "weiblich": "female", "mannliche": "male", "mannlich": "male",
    "sanfter": "gentler", "sanftere": "gentler",
    "ruhiger": "calmer", "ruhig": "calm", "ruhige": "calm", "warmer": "warmer",
    "warmere": "warmer", "warm": "warm", "kuhler": "cooler", "kuhlere": "cooler",
    "kalter": "cooler", "kaltere": "cooler", "dunkler": "darker", "dunklere": "darker",
    "dunkel": "dark", "heller": "lighter", "hellere": "lighter", "leiser": "quieter",
    "lauter": "louder", "schneller": "faster", "langsamer": "slower", "pastell": "pastel",
    "pastellfarben": "pastel colours", "krafiger": "vivid", "kraftigere": "vivid",
    "frohlich": "happy", "frohlicher": "happier", "energischer": "more energetic",
    "dramatischer": "more dramatic", "verspielter": "more playful", "weicher": "softer",
    "kurzer": "shorter", "langer": "longer", "kurz": "short", "von": "of", "sein": "be",
    "anzuhalten": "stopping", "zu fragen": "asking", "nach vorne": "to the start",
    "nach hinten": "to the end", "am ende": "at the end", "am anfang": "at the start",
    # beat types
    "angebot": "offer", "angebotsszene": "offer beat", "aufhanger": "hook", "problem": "problem",
    "kundenstimme": "testimonial", "handlungsaufforderung": "call to action",
    "endkarte": "end card", "abspann": "end card", "produktenthullung": "product reveal",
    # voiceover, captions, the mix (a split verb's particle: "schalte ... aus" -> "turn ... off")
    "stimme": "voice", "sprecher": "narrator", "sprecherin": "narrator", "erzahler": "narrator",
    "erzahlerin": "narrator", "sprechertext": "voiceover", "off-stimme": "voiceover",
    "untertitel": "subtitles", "unter": "under", "uber": "over",
    "gegenuber": "against", "im verhaltnis zur": "against the", "relativ zur": "against the",
    "grosser": "bigger", "grossere": "bigger", "gross": "big", "kleiner": "smaller",
    "kleinere": "smaller", "klein": "small", "keine": "no", "kein": "no", "keinen": "no",
    "aus": "off", "weg": "off", "schalte": "turn", "schalt": "turn", "dreh": "turn",
    "drehe": "turn", "lauf": "run", "laufe": "run", "lass es": "make it", "einfach": "just",
    "eingebrannt": "burned", "einbrennen": "burn", "brenne": "burn", "deaktiviere": "disable",
    "aktiviere": "enable", "stoppe": "stop", "halte": "stop", "halt": "stop",
    "andere stimme": "another voice", "anderen stimme": "another voice",
    "neue": "new", "neuen": "new", "neues": "new", "stil": "style",
    "horen": "hear", "hort": "hear", "verstehen": "hear",
    "ubertont": "drowns", "besser": "better", "welcher": "which", "welche": "which",
    "nachste": "next", "nachsten": "next", "schritt": "step", "kosten wird": "will cost",
    "nachfragen": "asking", "zwischendurch": "", "unterbrechungen": "pauses",
    "pausieren": "pausing", "durchlaufen": "run to the end", "runter": "down",
    "herunter": "down", "hoch": "up", "rauf": "up", "herauf": "up", "eher": "", "lieber": "",
    "im": "in the", "mich": "me", "uns": "us", "frag": "ask", "frage": "ask", "nicht": "not",
    "nicht mehr": "not anymore",
    "hor auf": "stop", "hore auf": "stop", "sagen": "say", "sagt": "say", "nur": "only",
    "als": "as", "spur": "track", "raus": "out", "heraus": "out", "generieren": "regenerate",
    "erzeugen": "regenerate", "halbe": "half", "eine halbe minute": "half a minute",
    "schlage pro minute": "beats per minute", "unterschied": "difference", "auf einmal": "",
    "welcher zweig": "which branch",
    # again, too, a standing instruction, steps, a length as a question
    "nochmal": "again", "noch einmal": "again", "nochmals": "again", "erneut": "again",
    "auch": "too", "ebenfalls": "too", "ab jetzt": "from now on", "von jetzt an": "from now on",
    "ab sofort": "from now on", "von nun an": "from now on", "kunftig": "from now on",
    "phase": "phase", "phasen": "phases", "schritte": "steps", "schritten": "steps",
    "schieb": "move", "geht das": "can it be", "geht es": "can it be", "lassen": "leave",
    "an die erste stelle": "to the start", "an erster stelle": "first",
    "position": "position", "geandert": "changed", "versus": "versus", "gegen": "against",
    "passt das": "does it fit", "passt es": "does it fit", "lasst sich": "can",
    "mann": "man", "frau": "woman", "mannerstimme": "male voice", "frauenstimme": "female voice",
    "konnen": "can", "gehen": "go", "sich": "", "verandert": "changed", "kann": "can",
    "konnte": "could", "man": "",
    "noch mal": "again", "direkt": "right", "gleich": "right", "unmittelbar": "immediately",
    "komplett": "completely", "ganz": "completely", "vollig": "completely", "dezibel": "decibels",
    "stumm": "mute", "stummschalten": "mute", "aufnahme": "shot", "standbild": "still",
    "einzelbild": "frame", "frame": "frame",
    "bei": "at",
}

SPANISH: dict[str, str] = {
    # verbs
    "haz": "make", "hace": "make", "hacer": "make", "haga": "make", "haz que": "make",
    "hazlo": "make it", "hazla": "make it", "pon": "put", "convierte": "turn",
    "convertir": "turn", "conviertan": "turn", "lleva": "take", "llevar": "take",
    "ponle": "put", "poner": "put",
    "vuelve": "make", "elimina": "remove", "eliminar": "remove", "borra": "remove",
    "quita": "remove", "quitar": "remove", "regenera": "regenerate", "regenerar": "regenerate",
    "rehaz": "regenerate", "rehacer": "regenerate", "vuelve a generar": "regenerate",
    "genera": "generate", "generar": "generate", "crea": "create", "de nuevo": "again",
    "otra vez": "again", "nuevamente": "again",
    "mueve": "move", "mover": "move", "anade": "add", "agrega": "add", "reemplaza": "replace",
    "pero": "but", "esta vez": "this time",
    # the subjunctive of a negative imperative ("no cambies", "no la subas", "no toques")
    "cambies": "change", "subas": "raise", "bajes": "lower", "toques": "touch",
    "quites": "remove", "borres": "remove", "elimines": "remove", "pongas": "put",
    "muevas": "move", "hagas": "make", "anadas": "add", "uses": "use", "regeneres": "regenerate",
    "sustituye": "replace", "cambia": "change", "cambiar": "change", "renombra": "rename",
    "eslogan": "slogan", "lema": "slogan",
    "llama": "call", "usa": "use", "utiliza": "use", "usar": "use", "baja": "lower",
    "bajar": "lower", "sube": "raise", "subir": "raise", "sigue": "continue",
    "continua": "continue", "continuar": "continue", "adelante": "go ahead",
    "siguiente": "next", "termina": "finish", "terminar": "finish", "finaliza": "finish",
    "hemos terminado": "we're done", "intercambia": "swap", "compara": "compare",
    "corta": "cut", "acorta": "shorten", "alarga": "extend", "dure": "last", "durar": "last",
    "muestra": "show", "escribe": "write", "debe": "should", "deberia": "should",
    "quiero": "want", "sea": "be", "tenga": "have", "tener": "have", "tiene": "have",
    "este": "this", "esta": "this", "es": "is", "esta bien": "looks good", "me gusta": "i like it",
    "vuelve al": "go back to the", "vuelve a": "go back to", "volver al": "go back to the",
    "regresa al": "go back to the", "algo": "something", "relajado": "relaxed",
    "relajada": "relaxed", "ser": "be", "estar": "be",
    "siguiente paso": "next step", "pasa al siguiente": "next",
    "muestre": "show", "muestren": "show", "suene": "sound", "parezca": "look",
    "nombre": "name", "por": "with", "demasiado": "too", "se llama": "is called", "ahora": "now",
    "mostrar": "show", "paneo": "pan", "a la izquierda": "to the left",
    "a la derecha": "to the right", "izquierda": "left", "derecha": "right",
    "hacia arriba": "up", "hacia abajo": "down", "acercamiento": "zoom in",
    "alejamiento": "zoom out", "puede": "can", "puedes": "can", "podrias": "can",
    "preguntarme": "asking me", "ya esta": "done", "exporta": "export", "exportar": "export",
    "festivo": "festive", "festiva": "festive", "mas luminosa": "brighter",
    "mas luminoso": "brighter", "no me gusta": "i don't like",
    # targets
    "escena": "beat", "escenas": "beat", "toma": "shot", "imagen": "image",
    "imagenes": "images", "foto": "photo", "clip": "clip", "clips": "clips", "musica": "music",
    "banda sonora": "soundtrack", "colores": "colours", "color": "colour", "paleta": "palette",
    "luz": "lighting", "iluminacion": "lighting", "camara": "camera", "marca": "brand",
    "producto": "product", "titulo": "title", "texto": "text", "duracion": "duration",
    "video": "video", "anuncio": "ad", "principio": "start", "inicio": "start", "final": "end",
    "rama": "branch", "coste": "cost", "costo": "cost", "volumen": "volume", "ambiente": "mood",
    # units, numbers, references
    "segundos": "seconds", "segundo": "second", "seg": "seconds", "minuto": "minute",
    "primer": "first", "primera": "first", "primero": "first", "segunda": "second",
    "tercer": "third", "tercera": "third", "tercero": "third", "cuarta": "fourth",
    "cuarto": "fourth", "quinta": "fifth", "quinto": "fifth", "sexta": "sixth",
    "sexto": "sixth", "septima": "seventh", "septimo": "seventh", "octava": "eighth",
    "octavo": "eighth", "novena": "ninth", "noveno": "ninth", "ultima": "last", "ultimo": "last",
    "penultima": "penultimate", "penultimo": "penultimate", "una": "a", "uno": "one",
    "dos": "two", "tres": "three", "cuatro": "four", "cinco": "five", "seis": "six",
    "siete": "seven", "ocho": "eight", "nueve": "nine", "diez": "ten", "quince": "fifteen",
    "veinte": "twenty", "treinta": "thirty", "todas las": "all the", "todos los": "all the",
    # small words
    "el": "the", "los": "the", "las": "the", "del": "of the", "al": "to the", "un": "a",
    "unos": "", "unas": "", "que": "", "la": "the", "a": "to", "en": "in", "de": "",
    "de la": "", "lo": "it", "¿": "", "¡": "", "con": "with", "para": "for",
    "despues de": "after", "antes de": "before", "y": "and", "luego": "then", "mas": "more",
    "menos": "less", "muy": "very", "un poco": "a bit", "por favor": "please",
    "gracias": "thanks", "cuanto": "how much", "cuanto cuesta": "what is the cost",
    "ha costado": "did it cost", "costado": "cost", "cuesta": "cost", "gastado": "spent",
    "llevamos gastado": "have we spent", "hemos gastado": "have we spent",
    "hasta ahora": "so far", "perfecto": "perfect", "listo": "ok", "vale": "ok", "si": "yes",
    "yo": "i", "automaticamente": "automatically", "pausa": "pause", "pausas": "pauses",
    "sin": "without", "parar": "stopping", "preguntar": "asking", "hasta el final": "to the end",
    "todo": "everything", "donde": "where", "estamos": "are we", "entre": "between",
    # adjectives (a comparative follows "más")
    "tranquila": "calm", "tranquilo": "calm", "calmada": "calm", "calida": "warm",
    "calidos": "warm", "calidas": "warm", "calido": "warm", "fria": "cool", "frio": "cool",
    "frios": "cool", "frias": "cool", "oscura": "dark", "oscuro": "dark", "oscuros": "dark",
    "oscuras": "dark", "clara": "light", "claro": "light", "claros": "light", "lenta": "slow",
    "lento": "slow", "rapida": "fast", "rapido": "fast", "suave": "soft",
    "femenina": "female", "masculina": "male",
    "fuerte": "loud",
    "alta": "loud", "pastel": "pastel", "vivos": "vivid", "vivas": "vivid", "alegre": "happy",
    "energica": "energetic", "energico": "energetic", "elegante": "elegant",
    "dramatica": "dramatic", "divertida": "fun", "divertido": "fun", "mas corta": "shorter",
    "mas corto": "shorter", "corto": "short", "larga": "long", "largo": "long",
    # beat types
    "oferta": "offer", "gancho": "hook", "problema": "problem", "testimonio": "testimonial",
    "llamada a la accion": "call to action", "cierre": "end card", "tarjeta final": "end card",
    "revelacion del producto": "product reveal", "estilo de vida": "lifestyle",
    # voiceover, captions, the mix
    "voz": "voice", "voz en off": "voiceover", "voces": "voices", "locucion": "voiceover",
    "locutor": "narrator", "locutora": "narrator", "narrador": "narrator",
    "narradora": "narrator", "narracion": "narration", "subtitulos": "subtitles",
    "subtitulo": "subtitle", "respecto a": "against", "respecto de": "against",
    "con respecto a": "against", "frente a": "against", "bajo": "under", "debajo de": "under",
    "por debajo de": "under", "sobre": "over", "grande": "big", "grandes": "big",
    "pequeno": "small", "pequena": "small", "pequenos": "small", "pequenas": "small",
    "desactiva": "disable", "activa": "enable", "apaga": "turn off", "enciende": "turn on",
    "otra": "another", "otro": "another", "diferente": "different", "distinta": "different",
    "distinto": "different", "nueva": "new", "nuevo": "new", "incrusta": "burn",
    "incrustados": "burned", "quemados": "burned", "estilo": "style", "genero": "genre",
    "ritmo": "tempo", "se oye": "hear", "oye": "hear", "oir": "hear",
    "tapa": "covers", "mejor": "better", "cual": "which", "proximo": "next",
    "proximo paso": "next step", "costara": "will cost", "va a costar": "will cost",
    "detenerte": "stopping", "detente": "stop", "pararte": "stopping",
    "todo seguido": "straight through",
    "de principio a fin": "end to end", "preguntes": "ask", "pares": "stop",
    "baja la": "lower the", "sube la": "raise the", "te": "", "detengas": "stop",
    "decir": "say", "diga": "say", "dice": "say", "pulsaciones por minuto": "beats per minute",
    "pulsaciones": "beats per minute", "ppm": "beats per minute", "medio minuto": "half a minute",
    "diferencia": "difference", "de una vez": "",
    "pares de": "stop", "mas bien": "", "que rama": "which branch", "cual rama": "which branch",
    # a scene after "como", a standing instruction, steps, "too", a length as a question
    "como": "as", "a partir de ahora": "from now on", "de ahora en adelante": "from now on",
    "desde ahora": "from now on", "fase": "phase", "fases": "phases", "paso": "step",
    "pasos": "steps", "tambien": "too", "se puede": "can it", "se podria": "can it",
    "dejar": "leave", "dejarlo": "leave it", "dejarla": "leave it", "deja": "leave",
    "coloca": "put", "colocar": "put", "situa": "put", "lugar": "place", "posicion": "position",
    "sitio": "place", "cambio": "changed", "cambie": "changed", "cambiaste": "changed",
    "versus": "versus", "contra": "against", "en primer lugar": "first", "hay": "there is",
    "podemos": "can we", "podriamos": "could we", "cabe": "fit", "cabria": "fit",
    "y si": "what if", "dejamos": "leave", "dejas": "leave", "ponemos": "put", "hacemos": "make",
    "justo": "just", "despues del": "after the", "despues": "after", "antes del": "before the",
    "antes": "before", "por completo": "completely", "ha cambiado": "changed",
    "hombre": "man", "mujer": "woman", "masculino": "male", "femenino": "female",
    "inmediatamente": "immediately", "completamente": "completely",
    "totalmente": "completely", "decibelios": "decibels", "decibelio": "decibel",
    "fotograma": "frame", "fotogramas": "frames", "cuadro": "picture", "silencia": "mute",
    "en ultimo lugar": "last", "al principio": "to the start", "al final": "to the end",
}
# fmt: on

LEXICONS: dict[str, dict[str, str]] = {"fr": FRENCH, "de": GERMAN, "es": SPANISH}
#: German verbs with a particle at the clause's end ("nimm die Musik raus"): (verb, particle) →
#: the reading of the whole verb; the particle then reads as nothing.
SEPARABLE: dict[tuple[str, str], str] = {
    ("nimm", "raus"): "remove", ("nimm", "heraus"): "remove", ("nimm", "weg"): "remove",
    ("lass", "weg"): "remove",
    ("lass", "so"): "leave", ("lass", "unverandert"): "leave",
    ("fuge", "ein"): "add", ("fug", "ein"): "add",
    ("mach", "aus"): "turn off", ("schalte", "aus"): "turn off",
    ("schalt", "aus"): "turn off", ("schalte", "ab"): "turn off", ("stell", "ab"): "turn off",
    ("schalte", "ein"): "turn on", ("schalt", "ein"): "turn on", ("schalte", "an"): "turn on",
    ("mach", "an"): "turn on", ("dreh", "auf"): "turn up", ("drehe", "auf"): "turn up",
    ("dreh", "runter"): "turn down", ("drehe", "runter"): "turn down", ("stell", "um"): "switch",
    ("stelle", "um"): "switch", ("nimm", "auf"): "record", ("fang", "an"): "start",
}  # fmt: skip
#: Words whose accent tells two slots apart; looked up as written, before folding.
ACCENTED: dict[str, dict[str, str]] = {"es": {"está": "is", "están": "are", "esté": "is"}}
#: Words that only one of the languages has, to tell which lexicon a message uses.
_MARKERS = {lang: set(words) - {w for other in LEXICONS.values() if other is not words
                                  for w in other}
            for lang, words in LEXICONS.items()}  # fmt: skip
#: Comparatives the reading forms from "plus"/"más"/"mehr" + adjective.
_COMPARATIVE = {"short": "shorter", "long": "longer", "calm": "calmer", "warm": "warmer",
                "cool": "cooler", "dark": "darker", "light": "lighter", "slow": "slower",
                "fast": "faster", "soft": "softer", "loud": "louder", "happy": "happier",
                "bright": "brighter", "big": "bigger", "small": "smaller",
                "gentle": "gentler", "low": "lower", "high": "higher"}  # fmt: skip
#: Opposites the reading forms from "moins"/"menos"/"weniger" + adjective ("less loud").
_LESS = {"loud": "quieter", "fast": "slower", "slow": "faster", "dark": "lighter",
         "light": "darker", "bright": "darker", "warm": "cooler", "cool": "warmer",
         "long": "shorter", "short": "longer", "big": "smaller", "small": "bigger"}  # fmt: skip
_VERB_END = {"make", "remove", "regenerate", "move", "add", "replace", "change", "rename", "say",
             "use", "lower", "raise", "swap", "show", "set", "shorten", "extend", "last", "be",
             "continue", "leave", "go"}  # fmt: skip
_MODALS = {"should", "want", "can", "could"}
#: Verbs that end a German clause after a modal only ("Beat 3 soll wie X aussehen": "beat 3
#: should look like X"); without a modal they stay where they are ("wärmer aussehen").
_AFTER_MODAL = {"look"}
#: Inflection endings tried, longest first, when a word is not in a lexicon as written
#: ("ruhigere" -> "ruhiger", "escenas" -> "escena").
_ENDINGS = ("es", "en", "em", "e", "s", "n", "r")
#: English words: the slot words the lexicons read into, and common function words. A message
#: with at least as many of these as of one language's own words is read as English.
_ENGLISH = {w for lexicon in LEXICONS.values() for slot in lexicon.values() for w in slot.split()
            } | set("""a an the it its to of in on at by for with and or is be make beat beats scene
    shot image frame picture clip chunk music song track colours colors palette lighting light
    please use set change remove delete add move swap regenerate redo new more less this that
    my me we i you can could would should how what much are was render final finish export
    done ad video all everything up down too just now then also so very
    really""".split())  # fmt: skip
_TOKEN = re.compile(r"\w+'|\w+(?:[-.]\w+)*|\S")
_QUOTED = re.compile(r"""(?<!\w)(["'])(?:(?!\1).)+\1(?!\w)""")


#: A German compound whose last part names a beat or image ("Hook-Szene", "Produktbild").
_COMPOUND = re.compile(r"([a-z]{3,}?)-?s?(szene|szenen|bild|clip)")


#: A Spanish verb with its object pronouns attached ("bájala", "cámbiale", "pónmelo"), or a
#: French imperative with its pronoun after a hyphen ("baisse-la", "refais-les").
_CLITIC = re.compile(r"(?P<verb>\w{2,}?)(?:me|te|se|nos)?(?:la|lo|las|los|le|les)"
                     r"|(?P<verb2>\w{2,}?)(?:me|te|nos)"
                     r"|(?P<verb3>[\w']+)-(?:la|le|les|lui|leur|moi|nous|en|y)")  # fmt: skip
#: Slot words a clitic can follow: verbs of the grammar.
_CLITIC_VERBS = {
    "make",
    "remove",
    "regenerate",
    "move",
    "add",
    "replace",
    "change",
    "rename",
    "use",
    "lower",
    "raise",
    "swap",
    "show",
    "set",
    "shorten",
    "extend",
    "put",
    "call",
    "write",
    "cut",
    "turn",
    "finish",
    "continue",
    "export",
    "compare",
}
#: What a clitic's verb may be followed by without "it": an article or preposition names the
#: object itself ("cámbiale el título": change the title).
_OBJECT_FOLLOWS = {"the", "to the", "of the", "to"}


def _clitic(key: str, following: str, lexicon: dict[str, str]) -> str | None:
    """The reading of a verb with an attached pronoun, or None if ``key`` is not one.

    "bajala" -> "lower it"; "cambiale" before "el titulo" -> "change" (the object follows).
    """
    if not (m := _CLITIC.fullmatch(key)):
        return None
    stem = m["verb"] or m["verb2"] or m["verb3"]
    verb = lexicon.get(stem)
    if verb is None or verb.split()[0] not in _CLITIC_VERBS:
        return None
    return verb if lexicon.get(following, following) in _OBJECT_FOLLOWS else f"{verb} it"


def _fold(word: str) -> str:
    """Lower case without accents: "Régénère" → "regenere", "lösche" → "losche"."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


@dataclass(frozen=True)
class Reading:
    """A message read into slot words, with the way back to the user's words.

    Attributes:
        text: the English reading the grammar parses.
        source: the message as the user wrote it (cleaned).
        language: "en", "fr", "de" or "es".
        segments: (reading, source) pieces in reading order; ``text`` is their readings
            joined. An untranslated word reads as itself.
    """

    text: str
    source: str
    language: str
    segments: tuple[tuple[str, str], ...] = ()

    def original(self, value: str) -> str:
        """The user's own words for a value taken out of :attr:`text` (itself if not found).

        Args:
            value: a substring of ``text`` (a description, on-screen text, a name).
        """
        at = self.text.find(value) if self.segments and value else -1
        if at < 0:
            return value
        end, pos, out = at + len(value), 0, []
        for reading, source in self.segments:
            a, b = pos, pos + len(reading)
            pos = b
            if b <= at or a >= end:
                continue
            if reading == source:  # untranslated: exactly the part inside the value
                out.append(source[max(at, a) - a : min(end, b) - a])
            else:
                out.append(source)
        return "".join(out).strip()


def _phrases(words: list[str]) -> list[str]:
    """The two- and three-word keys of any lexicon in the message ("hemos terminado")."""
    keys = {k for lexicon in LEXICONS.values() for k in lexicon if " " in k}
    return [" ".join(words[i : i + n]) for n in (2, 3) for i in range(len(words) - n + 1)
            if " ".join(words[i : i + n]) in keys]  # fmt: skip


def _language(words: list[str]) -> str:
    votes = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    best = max(votes, key=lambda k: votes[k])
    # A word only that language's lexicon has counts for it, not for English too: "Beat 6
    # soll an Position 2" is German ("soll", "an"), though English has "an" as well
    if sum(w in _ENGLISH and w not in _MARKERS[best] for w in words) > votes[best]:
        return "en"
    if votes[best] == 0:  # only shared words: any lexicon that knows most of them
        known = {lang: sum(w in LEXICONS[lang] for w in words) for lang in LEXICONS}
        best = max(known, key=lambda k: known[k])
        return best if known[best] * 2 > len(words) and len(words) > 1 else "en"
    return best


#: English ordinals a lexicon reads into ("le quatrième plan": the fourth shot).
_ORDINAL_WORDS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth "
                           "last penultimate".split())  # fmt: skip
#: A number written as an ordinal in French ("4e", "4ème", "1er") or Spanish ("4º", "4ª").
_NUMBERED = re.compile(r"(\d+)(?:e|eme|er|ere|re|o|a)")
#: Nouns that name a beat only before its number ("mets le plan 4 ...": shot 4), elsewhere
#: another word ("retour au plan": the plan).
_BEFORE_NUMBER = {"fr": {"plan": "beat"}, "es": {"plano": "beat"}}


def canonical(source: str) -> Reading:
    """Read a message in French, German or Spanish as slot words; English is left as is.

    Args:
        source: the cleaned message (NFKC, straight quotes, single spaces).

    Returns:
        The reading; quoted text is copied unchanged and every value can be mapped back with
        :meth:`Reading.original`.
    """
    quoted = [m.span() for m in _QUOTED.finditer(source)]
    tokens = [m for m in _TOKEN.finditer(source) if not any(a <= m.start() < b for a, b in quoted)]
    words = [_fold(m.group()) for m in tokens]
    language = _language([w for w in words if w.isalpha()] + _phrases(words))
    if language == "en":
        return Reading(source, source, "en")
    lexicon = LEXICONS[language]
    if language == "de":
        lexicon = _separable(words, lexicon)
    longest = max(len(k.split()) for k in lexicon)
    segments: list[list[str]] = []  # [reading, source]
    pos, i = 0, 0

    def keep(upto: int) -> None:
        for m in re.finditer(r"\s+|[,;.!?]|[^\s,;.!?]+", source[pos:upto]):
            text = " " if m.group().isspace() else m.group()
            segments.append([text, m.group()])

    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            contiguous = all(span[k + 1].start() - span[k].end() <= 1 for k in range(n - 1))
            key = " ".join(words[i : i + n]).replace(" '", "'").replace("' ", "'")
            if contiguous and n == 1 and key not in lexicon and len(key) >= 5:
                key = next((key[: -len(e)] for e in _ENDINGS
                            if key.endswith(e) and key[: -len(e)] in lexicon), key)  # fmt: skip
            if (
                contiguous
                and n == 1
                and key not in lexicon
                and (slot := _clitic(key, words[i + 1] if i + 1 < len(words) else "", lexicon))
            ):  # "bájala", "súbele", "baisse-la": the verb and "it"
                lexicon = {**lexicon, key: slot}
            if (contiguous and n == 1 and key not in lexicon and language == "de"
                    and (cm := _COMPOUND.fullmatch(key))):  # fmt: skip
                # "Hook-Szene", "Angebotsszene": the first word, then the beat or image
                lexicon = {**lexicon, key: f"{lexicon.get(cm[1], cm[1])} {lexicon[cm[2]]}"}
            if (contiguous and n == 1 and key not in lexicon and "-" in key
                    and all(lexicon.get(part) for part in key.split("-"))):  # fmt: skip
                # "avant-après", "vorher-nachher": a hyphenated compound of known words
                lexicon = {**lexicon, key: "-".join(lexicon[p] for p in key.split("-"))}
            if contiguous and n == 1 and span[0].group().lower() in ACCENTED.get(language, {}):
                key = span[0].group().lower()
                lexicon = {**lexicon, key: ACCENTED[language][key]}
            if n == 1 and (om := _NUMBERED.fullmatch(key)):
                lexicon = {**lexicon, key: f"{om[1]}th"}  # "la 4e image", "la 4a escena"
            numbered = _BEFORE_NUMBER.get(language, {}).get(key)
            ordinal = i > 0 and lexicon.get(words[i - 1], "") in _ORDINAL_WORDS
            if n == 1 and numbered and (ordinal or i + 1 < len(words) and words[i + 1].isdigit()):
                lexicon = {**lexicon, key: numbered}  # "le plan 4": shot 4, not the plan
            if contiguous and key in lexicon:
                start, end = span[0].start(), span[-1].end()
                keep(start)
                slot = lexicon[key]
                if slot and source[end - 1 : end] == "'" and source[end : end + 1].isalnum():
                    slot += " "  # "l'image" -> "the image"
                segments.append([slot, source[start:end]])
                pos, i = end, i + n
                break
        else:
            i += 1
    keep(len(source))
    segments = _tidy(segments, verb_last=language == "de")
    text = "".join(r for r, _ in segments)
    return Reading(text, source, language, tuple((r, s) for r, s in segments))


#: Particles that give any German verb their meaning at a clause's end: "schneide Beat 3
#: raus", "wirf ... weg" take away; "füge ... hinzu", "pack ... dazu" add.
PARTICLES = {**dict.fromkeys(("raus", "heraus", "hinaus", "weg", "fort"), "remove"),
             **dict.fromkeys(("hinzu", "dazu", "rein", "hinein"), "add")}  # fmt: skip


#: What may follow "lass" in a clause that leaves something as it is: an article before its
#: noun, or "es" (it) alone ("lass die Musik", "lass es").
_LEFT_BARE = frozenset("der die das den dem es".split())


def _separable(words: list[str], lexicon: dict[str, str]) -> dict[str, str]:
    """``lexicon`` with the message's split verbs read whole ("dreh ... auf" → "turn up").

    A verb in :data:`SEPARABLE` reads with its particle; any other clause that starts with a
    verb (a word the lexicon reads as a verb, or does not know) and ends on a particle of
    :data:`PARTICLES` reads as that particle's verb. Each clause of the message ("und",
    "dann", punctuation) keeps its own verb.
    """
    clauses: list[list[str]] = [[]]
    for word in words:
        if word in {",", ".", ";", "!", "?", "und", "dann"}:
            clauses.append([])
        elif word.isalpha():
            clauses[-1].append(word)
    for clause in clauses:
        body = [w for w in clause if w not in ("bitte", "mal", "doch")]
        if len(body) >= 2 and (reading := SEPARABLE.get((body[0], body[-1]))):
            lexicon = {**lexicon, body[0]: reading, body[-1]: ""}
        elif body[:1] in (["lass"], ["lasse"]) and 2 <= len(body) <= 3 and body[1] in _LEFT_BARE:
            # "lass die Musik": with nothing to make of it, "lassen" leaves it as it is
            lexicon = {**lexicon, body[0]: "leave"}
        elif (
            len(body) >= 3
            and body[-1] in PARTICLES
            and (lexicon.get(body[0]) in _VERB_END or body[0] not in lexicon)
        ):
            lexicon = {**lexicon, body[0]: PARTICLES[body[-1]], body[-1]: ""}
    return lexicon


def _tidy(segments: list[list[str]], verb_last: bool) -> list[list[str]]:
    """Word order and spacing of the reading, segment by segment (sources stay attached).

    Dropped words leave no double spaces; "more calm" reads "calmer"; with ``verb_last``
    (German), a clause that ends on a verb ("die Musik leiser machen") reads with the verb first.
    """
    out: list[list[str]] = []
    for seg in segments:
        if seg[0] == "" and out and out[-1][0] == " ":
            out[-1][1] += seg[1]
            continue
        if seg[0] == " " and (not out or out[-1][0] in (" ", "")):
            if out:
                out[-1][1] += seg[1]
            continue
        out.append(seg)
    out = [s for s in out if s[0] != "" or s[1].strip() == ""] or out
    merged: list[list[str]] = []
    for seg in out:
        word = seg[0]
        degree = merged[-2][0] if len(merged) >= 2 and merged[-1][0] == " " else ""
        table = {"more": _COMPARATIVE, "less": _LESS}.get(degree, {})
        if word in table:
            src = merged[-2][1] + merged[-1][1] + seg[1]
            del merged[-2:]
            merged.append([table[word], src])
        else:
            merged.append(seg)
    while merged and merged[-1][0] == " ":
        merged.pop()
    # clauses: split at punctuation and "and"/"then"; a verb at the end moves to the front
    clauses: list[list[list[str]]] = [[]]
    for seg in merged:
        clauses[-1].append(seg)
        if seg[0] in (",", ";", ".", "!", "?", "and", "then"):
            clauses.append([])
    result: list[list[str]] = []
    for clause in clauses:
        body = [s for s in clause if s[0].strip()]
        end = [s for s in body if s[0] not in ("again", "please", ",", ";", ".", "!", "?",
                                               "and", "then")]  # fmt: skip
        modal_verb = any(s[0] in _MODALS for s in end) and end[-1][0] in _AFTER_MODAL
        if verb_last and len(end) > 1 and (end[-1][0] in _VERB_END or modal_verb):
            verb = end[-1]
            at = clause.index(verb)
            rest = clause[:at] + clause[at + 1 :]
            modal = next((k for k, s in enumerate(rest) if s[0] in _MODALS), None)
            if modal is not None:  # "Szene 3 soll ... zeigen": "beat 3 should show ..."
                after = [s for s in rest[modal + 1 :] if s[0].strip()][:1]
                if verb[0] in _AFTER_MODAL and after and after[0][0] == "after":
                    after[0][0] = "like"  # "nach Regen aussehen": look like rain
                clause = [*rest[: modal + 1], [" ", ""], verb, *rest[modal + 1 :]]
            elif end[0][0] in _VERB_END:  # a split verb: "mach ... weiter" -> "continue ..."
                first = clause.index(end[0])
                clause = [*rest[:first], verb, *rest[first + 1 :]]
            else:
                lead = []  # "aber das Video ... machen": "but make the video ..."
                while rest and rest[0][0] in ("but", "also", " ", ",", ";"):
                    lead.append(rest.pop(0))
                clause = [*lead, verb, [" ", ""], *rest]
            # drop a doubled space left where the verb was
            cleaned: list[list[str]] = []
            for s in clause:
                if s[0] == " " and cleaned and cleaned[-1][0] == " ":
                    cleaned[-1][1] += s[1]
                    continue
                cleaned.append(s)
            clause = cleaned
        result.extend(clause)
    while result and result[-1][0] == " ":
        result.pop()
    return result
