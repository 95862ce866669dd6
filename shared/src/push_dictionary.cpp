// The preset dictionaries of ws/push_dictionary.hpp. Generated text, frozen once shipped: a
// change to a dictionary's bytes is a new id (push_dictionary_test fails otherwise).
#include "ws/push_dictionary.hpp"

namespace ws::push_seal {
namespace {

// Dictionary 1: made by scripts/push-dictionary from the shipped forms; never edit.
constexpr std::string_view kDictionary1 = R"dict(Navnet ditt
Slik du vil at vi skal kalle deg. Alle alfabeter går fint.
Hvilket språk vil du snakke i samtalen?
Vi kan skaffe tolk.
English
Norsk bokmål · Norwegian
دری · Dari
فارسی · Persian
پښتو · Pashto
العربية · Arabic
ትግርኛ · Tigrinya
Soomaali · Somali
Українська · Ukrainian
Русский · Russian
Français · French
Kurdî · Kurdish
አማርኛ · Amharic
Et annet språk
Hvilket språk?
Telefonnummer (valgfritt)
Bare hvis du vil at vi ringer eller sender SMS. Bare sifre, mellomrom og +.
Kan en rådgiver kontakte deg om denne forespørselen?
Saksnummer
Tildeles av mottaket: bokstaver, sifre, '-', '/' eller '_'.
Navn (latinske bokstaver)
Slik det står i dokumenter, eller slik personen staver det.
Navn (eget skriftsystem)
Slik personen skriver det, f.eks. med arabisk, etiopisk eller kyrillisk skrift.
Status
Åpen
Vurderer retur
Vil søke
Takket nei
Avsluttet
Ansvarlig rådgiver
Rådgiverens konto.
Dato åpnet
Vi registrerer opplysninger om deg for å gi deg veiledning om assistert retur, behandle søknaden din og planlegge støtte etter at du har returnert. Bare ansatte som arbeider med saken din, kan se dem. Du svarer på hvert formål for seg.
På hvilket språk ble denne informasjonen gitt?
Ble tolk brukt?
Jeg har fått denne informasjonen på et språk jeg forstår, og kunne stille spørsmål.
Hvert samtykke er frivillig, og du kan når som helst trekke det tilbake ved å si fra til en rådgiver.
Jeg samtykker i at opplysningene mine brukes til å veilede meg og behandle søknaden min om assistert retur.
Jeg samtykker i at opplysningene som trengs for reintegreringsstøtten min, deles med organisasjonens kontor i landet jeg returnerer til.
Jeg samtykker i å bli kontaktet etter at jeg har returnert, for oppfølging av støtten.
Hvem signerer?
Personen selv
En forelder eller verge
Navn på den som signerer
Signer her med fingeren
Dato
Er samtykket trukket tilbake?
Fylles bare ut når personen senere trekker samtykket.
Hvilke samtykker trekkes tilbake?
Bruk til veiledning og søknaden
Deling med kontoret i returlandet
Kontakt etter retur
Dato for tilbaketrekking
Dato for samtalen
Varighet (minutter)
Språk i samtalen
Hvordan deltok tolken?
Fremmøte
På telefon
På video
Tema som ble tatt opp
Returprosessen
Reisedokumenter
Reintegreringsstøtte
Medisinske behov
Familie
Bolig etter retur
Arbeid og inntekt
Utdanning
Oppholdsstatus
Annet
Spørsmål personen stilte
Informasjon som ble gitt
Beslutning ved slutten av samtalen
Vurderer fortsatt
Vil søke om assistert retur
Takket nei til assistert retur
Neste steg
Dato for oppfølging
Dato for intervjuet
Fullt navn (latinske bokstaver)
Fullt navn (eget skriftsystem)
La personen skrive det selv, eller vis hva du skrev.
Kjønn
Kvinne
Mann
Vil ikke oppgi
Er fødselsdatoen kjent?
Fødselsdato
Alder i år (slik oppgitt)
Statsborgerskap
Landets navn, eller 'statsløs'.
Språk personen snakker
Andre språk
Trengs det tolk?
Tolkespråk
Oppholdsstatus i vertslandet
Asylsøknad under behandling
Asylsøknad avslått
Har oppholdstillatelse
Uten lovlig opphold
Annet eller uklart
Merknader om oppholdsstatus
Dato for ankomst til vertslandet
La stå tomt hvis ukjent.
Dokumenter personen har
Dokumenter personen har med seg eller kan skaffe.
Pass
Nasjonalt ID-kort
Fødselsattest
Reisedokument
Oppholdskort
Annet dokument
Ingen dokumenter
Merknader om dokumenter (utløp, hvor de er)
Ønsket returland
Ønsket region eller by
Reiser familiemedlemmer med?
Familiemedlemmer som reiser med
Navn
Relasjon
Ektefelle eller partner
Barn
Forelder
Søsken
Annen slektning
Særlige behov (helse, skole)
Sårbarhet
Bare det personen selv velger å fortelle.
Medisinsk tilstand
Psykisk helse
Funksjonsnedsettelse
Graviditet
Enslig mindreårig
Eldre person
Aleneforelder
Offer for menneskehandel
Utsatt for vold
Ingen oppgitt
Medisinske behov under reisen og etter retur
F.eks. medisiner, følge, behandling som må fortsette.
Merknader om sårbarhet
Ønsker for reintegreringsstøtte
Starte egen virksomhet
Finne arbeid
Utdanning eller yrkesopplæring
Bolig
Medisinsk behandling
Psykososial støtte
Gjenforening med eller oppsporing av familie
Ikke bestemt ennå
Merknader: ferdigheter, arbeidserfaring, planer
Dato for planen
Beløp og rett til støtte fastsettes av programmet. Før bare opp godkjente beløp; la beløpet stå tomt til det er bestemt.
Ta med: reisestøtte?
Billetter, følge og reisekostnader.
Beløp
Beløpet fastsettes av programmet: skriv inn det godkjente beløpet. La stå tomt til det er bestemt.
Valuta
Påkrevd når et beløp er fylt inn.
NOK
EUR
USD
Merknader
Ta med: tilskudd til oppstart av virksomhet?
Ta med: engangsutbetaling i kontanter?
Ta med: boligstøtte?
Ta med: utdanning?
Skolepenger, yrkesopplæring, kurs.
Ta med: medisinsk støtte?
Behandling, medisiner, oppfølging etter retur.
Merknader til planen
Your name
As you would like us to call you. Any alphabet is fine.
Which language would you like to speak in the meeting?
An interpreter can be arranged.
English
Norsk bokmål · Norwegian
دری · Dari
فارسی · Persian
پښتو · Pashto
العربية · Arabic
ትግርኛ · Tigrinya
Soomaali · Somali
Українська · Ukrainian
Русский · Russian
Français · French
Kurdî · Kurdish
አማርኛ · Amharic
Another language
Which language?
Phone number (optional)
Only if you want us to call or text you. Digits, spaces and + only.
May a counsellor contact you about this request?
Case number
Assigned by the centre: letters, digits, '-', '/' or '_'.
Name (Latin letters)
As written in documents, or as the person spells it.
Name (own script)
As the person writes it, e.g. in Arabic, Ethiopic or Cyrillic script.
Status
Open
Considering return
Will apply
Declined
Closed
Responsible counsellor
The counsellor's account.
Date opened
We record information about you to counsel you on assisted return, to handle your application, and to plan support after your return. Only staff working on your case can see it. Each purpose needs your separate answer.
In which language was this information given?
Was an interpreter used?
I have received this information in a language I understand and could ask questions.
Each consent is voluntary, and you can withdraw it at any time by telling a counsellor.
I agree that my information is used to counsel me and to handle my application for assisted return.
I agree that the information needed for my reintegration support is shared with the agency's office in my country of return.
I agree to be contacted after my return to follow up on the support.
Who is signing?
The person themself
A parent or legal guardian
Name of the person signing
Sign here with your finger
Date
Has consent been withdrawn?
Fill in only when the person withdraws consent later.
Which consents are withdrawn?
Use for counselling and the application
Sharing with the office in the country of return
Contact after return
Date of withdrawal
Date of session
Duration (minutes)
Language of the session
How was the interpreter present?
In person
By phone
By video
Topics discussed
Return procedure
Travel documents
Reintegration support
Medical needs
Family
Housing after return
Work and income
Education
Legal status
Other
Questions the person asked
Information given
Decision at the end of the session
Still considering
Will apply for assisted return
Declined assisted return
Next steps
Follow-up date
Date of interview
Full name (Latin letters)
Full name (own script)
Let the person write it, or show them what you typed.
Sex
Female
Male
Prefers not to say
Is the date of birth known?
Date of birth
Age in years (as stated)
Nationality
Country name, or 'stateless'.
Languages spoken
Other languages
Is an interpreter needed?
Interpreter language
Legal status in the host country
Asylum application pending
Asylum application rejected
Holds a residence permit
No legal stay
Other or unclear
Notes on legal status
Date of arrival in the host country
Leave empty if unknown.
Documents held
Documents the person has with them or can get.
Passport
National identity card
Birth certificate
Travel document
Residence card
Other document
No documents
Notes on documents (expiry, where they are)
Intended country of return
Intended region or city
Are family members travelling along?
Family members travelling along
Name
Relationship
Spouse or partner
Child
Parent
Sibling
Other relative
Special needs (health, school)
Vulnerabilities
Only what the person chooses to share.
Medical condition
Mental health
Disability
Pregnancy
Unaccompanied minor
Elderly person
Single parent
Victim of trafficking
Survivor of violence
None stated
Medical needs for travel and after return
E.g. medication, escort, treatment that must continue.
Notes on vulnerabilities
Interests for reintegration support
Starting a business
Finding employment
Education or vocational training
Housing
Medical care
Psychosocial support
Family reunification or tracing
Not decided yet
Notes: skills, work experience, plans
Date of plan
Amounts and eligibility are set by the programme. Record only approved figures; leave an amount empty until it is decided.
Include: Travel support?
Tickets, escort and travel costs.
Amount
Amount set by the programme: enter the approved figure. Leave empty until it is decided.
Currency
Required once an amount is entered.
NOK
EUR
USD
Notes
Include: Business start-up grant?
Include: One-off cash payment?
Include: Housing allowance?
Include: Education?
School fees, vocational training, courses.
Include: Medical support?
Treatment, medication, follow-up after return.
Notes on the plan
"kind":"appointment","payload":{
"consent_contact":false,
"name":"
"other_language":"
"phone":"
"preferred_language":"
"en",
"nb",
"prs",
"fa",
"ps",
"ar",
"ti",
"so",
"uk",
"ru",
"fr",
"ku",
"am",
"other",
"kind":"case","payload":{
"case_number":"
"counsellor":"
"date_opened":"
"name_latin":"
"name_native":"
"status":"
"open",
"considering",
"will_apply",
"declined",
"closed",
"kind":"consent","payload":{
"consent_case_processing":false,
"consent_follow_up":false,
"consent_share_return_office":false,
"information_language":"
"en",
"nb",
"prs",
"fa",
"ps",
"ar",
"ti",
"so",
"uk",
"ru",
"fr",
"ku",
"am",
"other",
"interpreter_used":false,
"signatory_name":"
"signature":"
"signature_date":"
"signed_by":"
"self",
"guardian",
"understood":false,
"withdrawal_date":"
"withdrawal_scope":["
"case_processing",
"share_return_office",
"follow_up",
"withdrawn":false,
"kind":"counselling","payload":{
"decision":"
"considering",
"will_apply",
"declined",
"duration_minutes":
"follow_up_date":"
"information_given":"
"interpreter_mode":"
"in_person",
"phone",
"video",
"interpreter_used":false,
"language":"
"en",
"nb",
"prs",
"fa",
"ps",
"ar",
"ti",
"so",
"uk",
"ru",
"fr",
"ku",
"am",
"other",
"language_other":"
"next_steps":"
"questions_asked":"
"session_date":"
"topics":["
"return_procedure",
"travel_documents",
"reintegration_support",
"medical",
"family",
"housing",
"employment",
"education",
"legal_status",
"kind":"intake","payload":{
"age_years":
"arrival_date":"
"date_of_birth":"
"date_of_birth_known":false,
"documents_held":["
"passport",
"national_id",
"birth_certificate",
"travel_document",
"residence_card",
"other",
"none",
"documents_notes":"
"family_members":[{"_row":"
"family_travelling":false,
"interests_notes":"
"interpreter_language":"
"en",
"nb",
"prs",
"fa",
"ps",
"ar",
"ti",
"so",
"uk",
"ru",
"fr",
"ku",
"am",
"interpreter_language_other":"
"interpreter_needed":false,
"interview_date":"
"languages":["
"languages_other":"
"legal_status":"
"asylum_pending",
"asylum_rejected",
"residence_permit",
"no_legal_stay",
"legal_status_notes":"
"medical_needs":"
"member_date_of_birth":"
"member_needs":"
"member_sex":"
"female",
"male",
"not_stated",
"name":"
"name_latin":"
"name_native":"
"nationality":"
"reintegration_interests":["
"business",
"employment",
"education",
"housing",
"medical",
"psychosocial",
"family",
"undecided",
"relationship":"
"spouse",
"child",
"parent",
"sibling",
"other_relative",
"return_country":"
"return_region":"
"sex":"
"vulnerabilities":["
"mental_health",
"disability",
"pregnancy",
"unaccompanied_minor",
"elderly",
"single_parent",
"trafficking",
"violence",
"vulnerabilities_notes":"
"kind":"reintegration","payload":{
"business_amount":
"business_currency":"
"nok",
"eur",
"usd",
"business_included":false,
"business_notes":"
"cash_amount":
"cash_currency":"
"cash_included":false,
"cash_notes":"
"education_amount":
"education_currency":"
"education_included":false,
"education_notes":"
"housing_amount":
"housing_currency":"
"housing_included":false,
"housing_notes":"
"medical_amount":
"medical_currency":"
"medical_included":false,
"medical_notes":"
"notes":"
"plan_date":"
"travel_amount":
"travel_currency":"
"travel_included":false,
"travel_notes":"
"deleted":true,"field_versions":{"
{"base_version":"
","centre":"
","deleted":false,"field_versions":{},"id":"
},"schema_version":1,"version":")dict";

}  // namespace

std::string_view dictionary(std::uint8_t id) {
  switch (id) {
    case 1: return kDictionary1;
    default: return {};
  }
}

}  // namespace ws::push_seal
