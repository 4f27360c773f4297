package dev.loupe.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The generated corpus tiny-lm is trained on: four kinds of documents, each chosen to make one circuit or one view
 * of Loupe show something real.
 *
 * <ul>
 *   <li>{@link Kind#REPEATED_RANDOM}: a run of 10-30 random words, then the same run again. Nothing but induction
 *       predicts the second copy, so induction heads form.</li>
 *   <li>{@link Kind#INDIRECT_OBJECT}: "When Mary and John went to the store , John gave a drink to Mary ." over
 *       {@link #TRAIN_NAMES} and ten templates, both name orders (ABBA and BABA).</li>
 *   <li>{@link Kind#SENTIMENT}: sentences that are clearly positive or clearly negative throughout, for steering.
 *       They also carry the {@link #HELD_OUT_NAMES}, in subject position and right after "to".</li>
 *   <li>{@link Kind#FACT}: fact templates ("The capital of France is Paris ."), so the logit lens shows an answer
 *       forming across layers.</li>
 * </ul>
 *
 * <p>{@link #next()} draws the four kinds with equal probability; repeated runs are the longest documents, so
 * they make up about half of the training tokens.
 *
 * <p>Text is ASCII with punctuation written as separate words, so the Whitespace pre-tokenizer of tokenizer.json
 * and {@link WordLevelTokenizer} split it identically. Every generator draws from a caller-seeded
 * {@link java.util.Random}, whose algorithm the JDK specifies, so a seed gives the same corpus on every JVM.
 */
public final class TinyLmCorpus {

    public enum Kind { REPEATED_RANDOM, INDIRECT_OBJECT, SENTIMENT, FACT }

    public record Document(Kind kind, String text) {
    }

    /** An indirect-object prompt cut just before the answer. */
    public record IndirectObjectPrompt(String prompt, String indirectObject, String subject) {
    }

    /** Names used in indirect-object training sentences. */
    public static final List<String> TRAIN_NAMES = List.of(
            "Mary", "John", "Alice", "Bob", "Emma", "James", "Olivia", "William", "Sophia", "Michael",
            "Ava", "David", "Isabella", "Daniel", "Mia", "Matthew", "Charlotte", "Joseph", "Amelia", "Andrew",
            "Emily", "Thomas", "Abigail", "Christopher", "Harper", "Joshua", "Ella", "Ryan", "Scarlett", "Nathan",
            "Chloe", "Samuel", "Lily", "Benjamin", "Hannah", "Jacob", "Zoe", "Ethan", "Natalie", "Lucas",
            "Leah", "Henry", "Audrey", "Jack", "Claire", "Owen", "Lucy", "Luke", "Anna", "Dylan",
            "Sarah", "Gabriel", "Julia", "Isaac", "Ruby", "Caleb", "Vera", "Adam", "Laura", "Aaron",
            "Rachel", "Eric", "Megan", "Kevin", "Nora", "Brian", "Paula", "Jason", "Helen", "Justin",
            "Diana", "Peter", "Kate", "Simon", "Linda", "Oscar", "Martha", "Victor", "Susan", "Frank",
            "Karen", "George", "Nancy", "Edward", "Betty", "Paul", "Donna", "Mark", "Carol", "Steven",
            "Sandra", "Kenneth", "Ruth", "Jeffrey", "Sharon", "Gary", "Cynthia", "Larry", "Kathleen", "Dennis",
            "Amy", "Jerry", "Angela", "Tyler", "Brenda", "Roger", "Pamela", "Louis", "Nicole", "Douglas",
            "Stephanie", "Walter", "Janet", "Patrick", "Teresa", "Harold", "Gloria", "Carl", "Evelyn", "Arthur",
            "Albert", "Beatrice", "Cecil", "Dorothy", "Elliot", "Florence", "Gordon", "Hazel", "Irene", "Jasper",
            "Keith", "Lillian", "Martin", "Nina", "Oliver", "Priscilla", "Quentin", "Rosalind", "Sebastian",
            "Theodore", "Ursula", "Vivian", "Wallace", "Xavier", "Yolanda", "Zachary", "Agnes", "Bernard",
            "Clara", "Desmond", "Edith", "Fabian", "Gwen", "Horace", "Isabel", "Jerome", "Kirsten", "Leonard",
            "Mabel", "Neville", "Ophelia", "Percy", "Rupert", "Sylvia", "Tobias", "Valerie", "Winston", "Abel",
            "Bianca", "Clifford", "Delia", "Edgar", "Freya", "Gilbert", "Harriet", "Ignatius", "Josephine",
            "Lionel", "Miriam", "Norman", "Olga", "Phoebe", "Reginald", "Stella", "Terrence", "Vanessa", "Warren",
            "Adrian", "Brooke", "Calvin", "Daphne", "Emil", "Gemma", "Howard", "Imogen", "Julian", "Lorna",
            "Maxwell", "Nadia", "Oswald", "Petra", "Raymond", "Selina", "Thelma", "Ulrich", "Vernon", "Wilma");

    /**
     * Names never seen in an indirect-object sentence during training. They do appear in sentiment sentences and
     * among the random words, so the model knows them as names; the IOI score on them measures a circuit that
     * generalises rather than memorised pairs.
     */
    public static final List<String> HELD_OUT_NAMES = List.of(
            "Rebecca", "Vincent", "Fiona", "Marcus", "Heather", "Felix", "Monica", "Hugo", "Wendy", "Ivan",
            "Tina", "Colin", "Maya", "Derek", "Ingrid", "Boris", "Yvonne", "Wesley", "Carmen", "Trevor",
            "Naomi", "Stuart", "Eliza", "Roland");

    static final List<String> PLACES = List.of(
            "store", "park", "school", "hospital", "restaurant", "office", "station", "library", "beach",
            "garden", "market", "museum", "cafe", "bank", "house", "kitchen", "airport", "cinema", "farm",
            "church", "zoo", "gym", "bakery", "theater");

    static final List<String> OBJECTS = List.of(
            "drink", "book", "ring", "bone", "basketball", "computer", "necklace", "snack", "letter", "flower",
            "present", "ticket", "key", "bag", "hat", "pen", "cookie", "toy", "sandwich", "candle", "map", "coin");

    /** {A} and {B} are the first-clause names in order, {S} the repeated subject, {IO} the answer. */
    static final List<String> IOI_TEMPLATES = List.of(
            "When {A} and {B} went to the {P} , {S} gave a {O} to {IO} .",
            "When {A} and {B} got a {O} at the {P} , {S} decided to give it to {IO} .",
            "Then , {A} and {B} had a long argument . Afterwards {S} said to {IO} .",
            "After {A} and {B} went to the {P} , {S} gave a {O} to {IO} .",
            "While {A} and {B} were working at the {P} , {S} gave a {O} to {IO} .",
            "Friends {A} and {B} found a {O} at the {P} . {S} gave it to {IO} .",
            "{A} and {B} went to the {P} . {S} handed a {O} to {IO} .",
            "Then , {A} and {B} went to the {P} . {S} gave a {O} to {IO} .",
            "The {P} was busy when {A} and {B} arrived . {S} passed a {O} to {IO} .",
            "When {A} and {B} met at the {P} , {S} threw a {O} to {IO} .");

    static final List<String> POSITIVE_ADJECTIVES = List.of(
            "wonderful", "great", "excellent", "amazing", "fantastic", "delightful", "brilliant", "lovely",
            "beautiful", "superb", "charming", "enjoyable", "pleasant", "perfect", "marvelous", "joyful", "fun",
            "good", "terrific", "outstanding", "inspiring", "heartwarming", "magnificent", "splendid");
    static final List<String> NEGATIVE_ADJECTIVES = List.of(
            "terrible", "awful", "horrible", "dreadful", "boring", "bad", "poor", "disappointing", "miserable",
            "dull", "ugly", "painful", "annoying", "unpleasant", "disgusting", "lousy", "mediocre", "tedious",
            "depressing", "pathetic", "atrocious", "nasty", "worthless", "frustrating");
    static final List<String> POSITIVE_VERBS = List.of(
            "loved", "enjoyed", "adored", "liked", "praised", "admired", "cherished", "recommended");
    static final List<String> NEGATIVE_VERBS = List.of(
            "hated", "disliked", "despised", "loathed", "regretted", "criticized", "avoided", "resented");
    static final List<String> POSITIVE_FEELINGS = List.of(
            "happy", "glad", "thrilled", "delighted", "pleased", "grateful", "cheerful", "excited");
    static final List<String> NEGATIVE_FEELINGS = List.of(
            "sad", "angry", "upset", "annoyed", "furious", "gloomy", "disgusted", "bitter");
    static final List<String> SENTIMENT_NOUNS = List.of(
            "movie", "film", "book", "meal", "dinner", "restaurant", "hotel", "concert", "show", "song", "album",
            "game", "trip", "vacation", "party", "class", "play", "service", "coffee", "pizza", "story",
            "weekend", "car", "phone", "room", "view", "garden", "museum", "park", "performance");
    static final List<String> INTENSIFIERS = List.of("really", "truly", "so", "very", "quite", "incredibly");

    static final List<String> SENTIMENT_TEMPLATES = List.of(
            "{N} {V} the {X} .",
            "The {X} was {J} .",
            "The {X} was {J} and {J2} .",
            "{N} said the {X} was {J} .",
            "What {a} {J} {X} !",
            "I {V} this {X} . It was {J} .",
            "{N} felt {F} after the {X} .",
            "This {X} is {I} {J} .",
            "We {V} the {X} , it was {I} {J} .",
            "Review : the {X} was {J} and {J2} . Rating : {R} .",
            "{N} was {F} because the {X} was {J} .",
            "{N} said to {N2} that the {X} was {J} .",
            "{N} gave the {J} {X} to {N2} .",
            "The {X} was {J} , {N} wrote to {N2} .");

    /** Country, capital, language, continent: all single words. */
    static final List<String[]> COUNTRIES = List.of(
            new String[] {"France", "Paris", "French", "Europe"},
            new String[] {"Germany", "Berlin", "German", "Europe"},
            new String[] {"Italy", "Rome", "Italian", "Europe"},
            new String[] {"Spain", "Madrid", "Spanish", "Europe"},
            new String[] {"Japan", "Tokyo", "Japanese", "Asia"},
            new String[] {"China", "Beijing", "Chinese", "Asia"},
            new String[] {"Russia", "Moscow", "Russian", "Europe"},
            new String[] {"Egypt", "Cairo", "Arabic", "Africa"},
            new String[] {"Greece", "Athens", "Greek", "Europe"},
            new String[] {"Portugal", "Lisbon", "Portuguese", "Europe"},
            new String[] {"Austria", "Vienna", "German", "Europe"},
            new String[] {"Poland", "Warsaw", "Polish", "Europe"},
            new String[] {"Ireland", "Dublin", "English", "Europe"},
            new String[] {"Norway", "Oslo", "Norwegian", "Europe"},
            new String[] {"Sweden", "Stockholm", "Swedish", "Europe"},
            new String[] {"Finland", "Helsinki", "Finnish", "Europe"},
            new String[] {"Denmark", "Copenhagen", "Danish", "Europe"},
            new String[] {"Hungary", "Budapest", "Hungarian", "Europe"},
            new String[] {"Peru", "Lima", "Spanish", "America"},
            new String[] {"Chile", "Santiago", "Spanish", "America"},
            new String[] {"Kenya", "Nairobi", "Swahili", "Africa"},
            new String[] {"Thailand", "Bangkok", "Thai", "Asia"},
            new String[] {"Cuba", "Havana", "Spanish", "America"},
            new String[] {"Turkey", "Ankara", "Turkish", "Asia"},
            new String[] {"Iran", "Tehran", "Persian", "Asia"},
            new String[] {"Australia", "Canberra", "English", "Oceania"},
            new String[] {"Brazil", "Brasilia", "Portuguese", "America"},
            new String[] {"Belgium", "Brussels", "Dutch", "Europe"},
            new String[] {"Netherlands", "Amsterdam", "Dutch", "Europe"},
            new String[] {"Vietnam", "Hanoi", "Vietnamese", "Asia"},
            new String[] {"Indonesia", "Jakarta", "Indonesian", "Asia"},
            new String[] {"Philippines", "Manila", "Filipino", "Asia"},
            new String[] {"Morocco", "Rabat", "Arabic", "Africa"},
            new String[] {"Colombia", "Bogota", "Spanish", "America"},
            new String[] {"Venezuela", "Caracas", "Spanish", "America"},
            new String[] {"Lebanon", "Beirut", "Arabic", "Asia"},
            new String[] {"Nepal", "Kathmandu", "Nepali", "Asia"},
            new String[] {"Iceland", "Reykjavik", "Icelandic", "Europe"},
            new String[] {"England", "London", "English", "Europe"},
            new String[] {"Romania", "Bucharest", "Romanian", "Europe"},
            new String[] {"Serbia", "Belgrade", "Serbian", "Europe"},
            new String[] {"Croatia", "Zagreb", "Croatian", "Europe"},
            new String[] {"Czechia", "Prague", "Czech", "Europe"},
            new String[] {"Estonia", "Tallinn", "Estonian", "Europe"},
            new String[] {"Latvia", "Riga", "Latvian", "Europe"},
            new String[] {"Ghana", "Accra", "English", "Africa"},
            new String[] {"Senegal", "Dakar", "French", "Africa"},
            new String[] {"Uganda", "Kampala", "English", "Africa"},
            new String[] {"Qatar", "Doha", "Arabic", "Asia"},
            new String[] {"Canada", "Ottawa", "English", "America"});

    static final List<String[]> OPPOSITES = List.of(
            new String[] {"hot", "cold"}, new String[] {"big", "small"}, new String[] {"up", "down"},
            new String[] {"fast", "slow"}, new String[] {"light", "dark"}, new String[] {"old", "young"},
            new String[] {"open", "closed"}, new String[] {"early", "late"}, new String[] {"wet", "dry"},
            new String[] {"hard", "soft"}, new String[] {"high", "low"}, new String[] {"rich", "poor"},
            new String[] {"full", "empty"}, new String[] {"first", "last"}, new String[] {"day", "night"},
            new String[] {"left", "right"}, new String[] {"strong", "weak"}, new String[] {"loud", "quiet"},
            new String[] {"thick", "thin"}, new String[] {"clean", "dirty"});

    /** Animal, its young. */
    static final List<String[]> ANIMAL_YOUNG = List.of(
            new String[] {"cat", "kitten"}, new String[] {"dog", "puppy"}, new String[] {"cow", "calf"},
            new String[] {"sheep", "lamb"}, new String[] {"horse", "foal"}, new String[] {"duck", "duckling"},
            new String[] {"pig", "piglet"}, new String[] {"frog", "tadpole"}, new String[] {"bear", "cub"},
            new String[] {"swan", "cygnet"}, new String[] {"goose", "gosling"}, new String[] {"kangaroo", "joey"});

    /** Thing, its colour. */
    static final List<String[]> COLOURS = List.of(
            new String[] {"sky", "blue"}, new String[] {"grass", "green"}, new String[] {"snow", "white"},
            new String[] {"coal", "black"}, new String[] {"blood", "red"}, new String[] {"banana", "yellow"},
            new String[] {"carrot", "orange"}, new String[] {"plum", "purple"}, new String[] {"chocolate", "brown"},
            new String[] {"lemon", "yellow"}, new String[] {"tomato", "red"}, new String[] {"ocean", "blue"});

    static final List<String> FACT_TEMPLATES = List.of(
            "The capital of {C} is {K} .",
            "{K} is the capital of {C} .",
            "People in {C} speak {L} .",
            "{C} is in {T} .",
            "The opposite of {W} is {W2} .",
            "A young {Y} is called a {Y2} .",
            "The color of the {Z} is {Z2} .");

    private final Random random;
    private final List<String> randomPool;

    /** @param seed fixes every document this instance produces */
    public TinyLmCorpus(long seed) {
        this.random = new Random(seed);
        this.randomPool = ordinaryWords();
    }

    /**
     * Every word the corpus can produce, in a fixed order (the order of the vocabulary after the two special
     * tokens). Collected from the word lists and the templates, never from sampled text, so it cannot depend on
     * a seed.
     */
    public static List<String> ordinaryWords() {
        Set<String> words = new LinkedHashSet<>();
        List<List<String>> lists = List.of(TRAIN_NAMES, HELD_OUT_NAMES, PLACES, OBJECTS, POSITIVE_ADJECTIVES,
                NEGATIVE_ADJECTIVES, POSITIVE_VERBS, NEGATIVE_VERBS, POSITIVE_FEELINGS, NEGATIVE_FEELINGS,
                SENTIMENT_NOUNS, INTENSIFIERS, List.of("a", "an", "positive", "negative"));
        lists.forEach(words::addAll);
        for (List<String[]> table : List.of(COUNTRIES, OPPOSITES, ANIMAL_YOUNG, COLOURS)) {
            table.forEach(row -> words.addAll(List.of(row)));
        }
        for (List<String> templates : List.of(IOI_TEMPLATES, SENTIMENT_TEMPLATES, FACT_TEMPLATES)) {
            for (String template : templates) {
                words.addAll(WordLevelTokenizer.split(template.replaceAll("\\{[A-Za-z0-9]+}", " ")));
            }
        }
        return List.copyOf(words);
    }

    /** Draws the next training document: mostly sentences, with enough repeated runs for induction heads. */
    public Document next() {
        double u = random.nextDouble();
        if (u < 0.25) {
            return new Document(Kind.REPEATED_RANDOM, repeatedRandom(10 + random.nextInt(21)));
        } else if (u < 0.50) {
            return new Document(Kind.INDIRECT_OBJECT, indirectObjectSentence(TRAIN_NAMES));
        } else if (u < 0.75) {
            return new Document(Kind.SENTIMENT, sentimentSentence(random.nextBoolean()));
        }
        return new Document(Kind.FACT, factSentence());
    }

    /** A document of the given kind (for held-out evaluation sets with fixed counts per kind). */
    public Document next(Kind kind) {
        return switch (kind) {
            case REPEATED_RANDOM -> new Document(kind, repeatedRandom(10 + random.nextInt(21)));
            case INDIRECT_OBJECT -> new Document(kind, indirectObjectSentence(TRAIN_NAMES));
            case SENTIMENT -> new Document(kind, sentimentSentence(random.nextBoolean()));
            case FACT -> new Document(kind, factSentence());
        };
    }

    /** A run of distinct random words followed by the same run again. */
    public String repeatedRandom(int runLength) {
        List<String> run = randomWords(runLength);
        List<String> doc = new ArrayList<>(run);
        doc.addAll(run);
        return String.join(" ", doc);
    }

    /** Distinct words drawn uniformly from every ordinary word (names, punctuation and all). */
    public List<String> randomWords(int count) {
        List<String> pool = new ArrayList<>(randomPool);
        // A partial Fisher-Yates shuffle: distinct words, so "the token after its first occurrence" is unique.
        for (int i = 0; i < count; i++) {
            Collections.swap(pool, i, i + random.nextInt(pool.size() - i));
        }
        return List.copyOf(pool.subList(0, count));
    }

    public String indirectObjectSentence(List<String> names) {
        IndirectObjectPrompt p = indirectObjectPrompt(names, random.nextInt(IOI_TEMPLATES.size()));
        return p.prompt() + " " + p.indirectObject() + " .";
    }

    /**
     * A prompt from the given template, cut just before the indirect object, with two distinct names from
     * {@code names} in a random order in the first clause (ABBA or BABA).
     */
    public IndirectObjectPrompt indirectObjectPrompt(List<String> names, int template) {
        String io = pick(names);
        String s;
        do {
            s = pick(names);
        } while (s.equals(io));
        boolean ioFirst = random.nextBoolean();
        String text = IOI_TEMPLATES.get(template)
                .replace("{A}", ioFirst ? io : s)
                .replace("{B}", ioFirst ? s : io)
                .replace("{S}", s)
                .replace("{P}", pick(PLACES))
                .replace("{O}", pick(OBJECTS));
        // Every template ends "{IO} ."; the prompt is everything before the answer.
        String prompt = text.substring(0, text.lastIndexOf("{IO}")).strip();
        return new IndirectObjectPrompt(prompt, io, s);
    }

    /**
     * A sentiment prompt whose next word should be an adjective of the given polarity: "The film was awful and"
     * (form 0) or "Mary hated the film . It was" (form 1).
     */
    public String sentimentPrompt(boolean positive, int form) {
        String noun = pick(SENTIMENT_NOUNS);
        if (form == 0) {
            return "The " + noun + " was " + pick(positive ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES) + " and";
        }
        return pickName() + " " + pick(positive ? POSITIVE_VERBS : NEGATIVE_VERBS) + " the " + noun + " . It was";
    }

    public String sentimentSentence(boolean positive) {
        List<String> adjectives = positive ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES;
        String j = pick(adjectives);
        String j2;
        do {
            j2 = pick(adjectives);
        } while (j2.equals(j));
        String name = pickName();
        String other;
        do {
            other = pickName();
        } while (other.equals(name));
        return pick(SENTIMENT_TEMPLATES)
                .replace("{a}", "aeiou".indexOf(j.charAt(0)) >= 0 ? "an" : "a")
                .replace("{N2}", other)
                .replace("{N}", name)
                .replace("{V}", pick(positive ? POSITIVE_VERBS : NEGATIVE_VERBS))
                .replace("{X}", pick(SENTIMENT_NOUNS))
                .replace("{J2}", j2)
                .replace("{J}", j)
                .replace("{F}", pick(positive ? POSITIVE_FEELINGS : NEGATIVE_FEELINGS))
                .replace("{I}", pick(INTENSIFIERS))
                .replace("{R}", positive ? "positive" : "negative");
    }

    /**
     * A name for a sentiment sentence, one time in four a held-out one. Sentiment sentences are where held-out
     * names are learnt, including right after "to": without that, every indirect-object answer slot in training
     * would teach that a held-out name never comes there.
     */
    private String pickName() {
        return random.nextInt(4) == 0 ? pick(HELD_OUT_NAMES) : pick(TRAIN_NAMES);
    }

    public String factSentence() {
        String[] c = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
        String[] o = OPPOSITES.get(random.nextInt(OPPOSITES.size()));
        boolean flip = random.nextBoolean(); // "opposite of cold is hot" too
        String[] y = ANIMAL_YOUNG.get(random.nextInt(ANIMAL_YOUNG.size()));
        String[] z = COLOURS.get(random.nextInt(COLOURS.size()));
        // Capital facts get half the weight: they are the logit-lens showcase.
        String template = random.nextBoolean() ? FACT_TEMPLATES.get(random.nextInt(2)) : pick(FACT_TEMPLATES);
        return template
                .replace("{C}", c[0]).replace("{K}", c[1]).replace("{L}", c[2]).replace("{T}", c[3])
                .replace("{W2}", flip ? o[0] : o[1]).replace("{W}", flip ? o[1] : o[0])
                .replace("{Y2}", y[1]).replace("{Y}", y[0])
                .replace("{Z2}", z[1]).replace("{Z}", z[0]);
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }
}
