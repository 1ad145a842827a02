#!/usr/bin/env python3
"""Cold users placed from sign-up attributes, on a seeded synthetic set (MovieLens has no
user attributes): FusionRec's fused model with a user table against popularity.

Generates (standard library only, seed 7) 3,000 users with a country, an age and stated
interests as free text, and 1,200 items in 8 genres. Each user has a taste genre that the
attributes reveal only partly: the country gives it with probability 0.6, the interests
text names two words of it among four random words, the age is noise. Each user rates 25
items, 80% from the taste genre (popular items more often), 20% anywhere. Then

    fusionrec split --strategy cold-users --fraction 0.1 --seed 7

holds out 300 users with every interaction, and the script prints NDCG@10, precision@10 and
AUC for the cold users from `fusionrec evaluate --model fusion --user-table …` (the model's
defaults) next to popularity (the 10 most interacted training items for everyone, the
ranking any model without user attributes falls back to; computed here with the same
definitions as Docs/Math.md).

Usage: python3 Benchmarks/Compare/cold_users.py [path to fusionrec] [work folder]
"""
import csv, json, math, os, random, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/fusionrec")
WORK = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()
os.makedirs(WORK, exist_ok=True)

GENRES = ["space", "crime", "romance", "horror", "cartoon", "war", "sport", "music"]
WORDS = {
    "space": ["rockets", "aliens", "stars", "robots"], "crime": ["detectives", "heists", "mafia", "trials"],
    "romance": ["love", "weddings", "letters", "dating"], "horror": ["ghosts", "zombies", "vampires", "screams"],
    "cartoon": ["animation", "puppets", "fairytales", "talking animals"], "war": ["battles", "soldiers", "history", "tanks"],
    "sport": ["football", "boxing", "racing", "olympics"], "music": ["bands", "concerts", "jazz", "musicals"],
}
FILLER = ["cooking", "travel", "cats", "gardening", "chess", "photography", "hiking", "coffee", "books", "cycling"]
COUNTRIES = ["FR", "DE", "JP", "BR", "US", "IN", "NG", "SE", "MX", "KR"]

rng = random.Random(7)
items = [(f"i{i}", GENRES[i % 8]) for i in range(1200)]
by_genre = {g: [item for item, genre in items if genre == g] for g in GENRES}
weights = {g: [1.0 / (rank + 1) ** 0.8 for rank in range(len(by_genre[g]))] for g in GENRES}

users, ratings = [], []
for u in range(3000):
    taste = rng.choice(GENRES)
    country = COUNTRIES[GENRES.index(taste)] if rng.random() < 0.6 else rng.choice(COUNTRIES)
    interests = rng.sample(WORDS[taste], 2) + rng.sample(FILLER, 2)
    rng.shuffle(interests)
    users.append((f"u{u}", country, rng.randint(18, 70), ", ".join(interests)))
    chosen = set()
    while len(chosen) < 25:
        if rng.random() < 0.8:
            chosen.add(rng.choices(by_genre[taste], weights[taste])[0])
        else:
            chosen.add(rng.choice(items)[0])
    ratings += [(f"u{u}", item) for item in sorted(chosen)]

def write(name, header, rows):
    with open(os.path.join(WORK, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)

write("users.csv", ["userId", "country", "age", "interests"], users)
write("ratings.csv", ["userId", "movieId", "rating"], [(u, i, 1) for u, i in ratings])
run = lambda *args: subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout
run("split", "--input", os.path.join(WORK, "ratings.csv"), "--strategy", "cold-users", "--fraction", "0.1",
    "--seed", "7", "--train-output", os.path.join(WORK, "train.csv"), "--test-output", os.path.join(WORK, "test.csv"))

def read(name):
    with open(os.path.join(WORK, name)) as f:
        return [(row["userId"], row["itemId"]) for row in csv.DictReader(f)]

train, test = read("train.csv"), read("test.csv")
held = {}
for user, item in test:
    held.setdefault(user, set()).add(item)
counts = {}
for _, item in train:
    counts[item] = counts.get(item, 0) + 1
catalogue = sorted(counts, key=lambda i: (-counts[i], int(i[1:])))
top = catalogue[:10]

def metrics(ranked, relevant, universe):
    dcg = sum(1 / math.log2(r + 2) for r, item in enumerate(ranked[:10]) if item in relevant)
    idcg = sum(1 / math.log2(r + 2) for r in range(min(10, len(relevant))))
    hits = sum(item in relevant for item in ranked[:10])
    positions = {item: r for r, item in enumerate(universe)}
    pairs = above = 0
    for item in relevant:
        if item not in positions:
            continue
        for other in universe:
            if other not in relevant:
                pairs += 1
                above += positions[item] < positions[other]
    return dcg / idcg, hits / 10, above / pairs if pairs else 0.5

pop = [metrics(top, held[u], catalogue) for u in held]
print(f"{len(held)} cold users, {len(train)} training interactions, {len(catalogue)} items")
print("model                        NDCG@10  P@10    AUC")
print("popularity                   %.4f  %.4f  %.4f" % tuple(sum(m[i] for m in pop) / len(pop) for i in range(3)))
out = run("evaluate", "--train", os.path.join(WORK, "train.csv"), "--test", os.path.join(WORK, "test.csv"),
          "--model", "fusion", "--user-table", os.path.join(WORK, "users.csv"), "--user-categorical-column", "country",
          "--user-numeric-column", "age", "--user-text-column", "interests", "--format", "json")
summary = json.loads(out)
print("fusion (user table, defaults) %.4f  %.4f  %.4f   (%d users evaluated)" % (
    summary["ndcg"], summary["precision"], summary["auc"], summary["users_evaluated"]))
