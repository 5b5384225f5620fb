// Function words per language: they carry no topic, so dropping them sharpens BM25 and keeps postings short.
// English also drops the nouns customers frame a question with ("what is your return policy", "info about
// shipping", "what payment options do you have") and the verb they frame a request with ("I want to return my
// lamp"): a knowledge base rarely says "policy" or "options", and the missing word made a covered question look
// unanswerable. Chat spelling counts too: contractions typed without the apostrophe ("cant", "dont"), "u", "pls",
// "still" and "yet" ("still no email", "not here yet"), which say how long, not what about, and "instead" ("do you take PayPal
// instead?"), which says what the customer would do, not what it is about. "Sell" asks whether the shop has a thing
// ("Do you sell rugs?"), which no knowledge base says in that word: the rug's catalogue row answers it.

const list = (words: string): Set<string> => new Set(words.trim().split(/\s+/));

export const STOPWORDS: Record<string, Set<string>> = {
  en: list(`
    a about above after again against all am an and any are aren't as at be because been before being below between
    both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from
    further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his
    how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me mine more most mustn't my myself no
    nor of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
    shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were
    weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't you
    you'd you'll you're you've your yours yourself yourselves also just will shall may might must would get got
    s t d ll m re ve please hi hello thanks thank way possible anyone someone something much many
    policy policies info information details question questions option options want wants wanted
    cant dont doesnt didnt wont isnt arent wasnt hasnt havent couldnt wouldnt shouldnt im ive youre thats whats
    hey u ur pls plz still yet instead help sell sells selling`),
  es: list(`
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos
    en entre era eres es esa esas ese eso esos esta estaba estado estamos estan estar estas este esto estos estoy fue
    fueron ha habia han has hasta hay la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros o os otra
    otro para pero poco por porque que quien se sea ser si sin sobre son su sus también te tengo tiene tu tus un una
    uno unos y ya yo cómo qué cuál dónde cuándo por favor hola gracias puedo puede`),
  fr: list(`
    a ai au aux avec ce ces cet cette dans de des du elle en est et eu il ils je la le les leur lui ma mais me mes moi
    mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre
    vous y été être avoir suis es sommes êtes sont comment quoi quel quelle quels quelles est-ce bonjour merci peux
    peut puis-je`),
  de: list(`
    aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des dich die
    dir doch du durch ein eine einem einen einer eines er es euch euer für hab habe haben hat hatte ich ihr ihre im
    in ist ja kann kannst man mein meine mich mir mit muss nach nicht noch nun nur ob oder sein seine sich sie sind so
    über um und uns unser unter vom von vor war waren was wenn wer wie wir wird wo zu zum zur hallo danke bitte wie`),
  pt: list(`
    a ao aos as até com como da das de dela dele do dos e ela ele eles em entre era essa esse esta este eu foi há isso
    já lhe mais mas me meu minha muito na nas nem no nos não o os ou para pela pelo por qual quando que quem se sem
    ser seu sua são também te tem um uma você olá obrigado posso pode`),
  it: list(`
    a ad al alla alle agli ai anche che chi ci come con da dal dalla dei del della delle di e ed è gli ha hanno ho i
    il in io la le lei lo loro lui ma mi mia mio ne nel nella noi non o per più quale quando questo questa se si sono
    su sua suo ti tu un una uno voi ciao grazie posso può`),
  nl: list(`
    aan al als bij dan dat de der die dit door een en er had heb heeft het hij hoe ik in is je kan maar me met mijn
    na naar niet nog of om ons ook op over te tot u uit van voor was wat we wel wie wij zal ze zij zijn zo hallo
    bedankt`),
};
