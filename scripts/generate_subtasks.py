#!/usr/bin/env python3
"""Generates the router's labelled evaluation set (calibration/subtasks.jsonl).

Templates x fillers, seeded, so the set is varied and the same on every run:
  python3 scripts/generate_subtasks.py > router/src/main/resources/dev/cascade4j/router/calibration/subtasks.jsonl
Each line: id, kind, split (calibration ~60% / test ~40%, from a hash of the id), messages (OpenAI
shape), optional tools and response_format, and expected {route, ...}.
"""
import hashlib
import json
import random

RNG = random.Random(4)

# ---------------------------------------------------------------- tools

def tool(name, description, properties, required):
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": properties, "required": required, "additionalProperties": False}}}

S = {"type": "string"}
TOOLS = [
    tool("get_weather", "Current weather for a city.", {"city": S}, ["city"]),
    tool("convert_currency", "Convert an amount of money from one currency to another (ISO codes).",
         {"amount": {"type": "number"}, "from": S, "to": S}, ["amount", "from", "to"]),
    tool("create_calendar_event", "Create a calendar event on a date (YYYY-MM-DD) at a time (HH:MM).",
         {"title": S, "date": S, "time": S}, ["title", "date", "time"]),
    tool("search_orders", "Find the orders placed by a customer, by email address.", {"customer_email": S}, ["customer_email"]),
    tool("send_email", "Send an email to an address with a subject line.", {"to": S, "subject": S}, ["to", "subject"]),
    tool("set_timer", "Start a countdown timer for a number of minutes.", {"minutes": {"type": "integer"}}, ["minutes"]),
]

FIRST = ["anna", "Ben", "Chloe", "david", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam",
         "Maria", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yusuf", "Zoe"]
LAST = ["Smith", "Novak", "Garcia", "Okafor", "Lindqvist", "Rossi", "Tanaka", "Dubois", "Kowalski", "Haddad",
        "Moreau", "Schmidt", "Fernandes", "Nakamura", "Olsen", "Petrov"]
CITIES = ["Berlin", "Lisbon", "Tokyo", "Nairobi", "Toronto", "Madrid", "Oslo", "Lima", "Seoul", "Cairo",
          "Dublin", "Prague", "Sydney", "Austin", "Munich", "Porto", "Milan", "Denver", "Quito", "Hanoi"]
CURRENCIES = [("USD", "dollars"), ("EUR", "euros"), ("GBP", "pounds"), ("JPY", "yen"), ("CHF", "francs"),
              ("SEK", "kronor")]
DOMAINS = ["example.com", "acme.io", "mail.net", "shop.org", "corp.dev"]
EVENTS = ["team sync", "dentist appointment", "budget review", "yoga class", "project kickoff", "lunch with Sam",
          "quarterly planning", "code review", "parent meeting", "flight to Rome"]
SUBJECTS = ["Invoice overdue", "Meeting moved", "Welcome aboard", "Holiday schedule", "Contract draft",
            "Server maintenance", "Lunch on Friday", "Quarterly report", "Password reset", "Order shipped"]


def email(first, last):
    return f"{first.lower()}.{last.lower()}@{RNG.choice(DOMAINS)}"


def typo(text):
    """Now and then a swapped letter pair or odd casing, as people type."""
    r = RNG.random()
    if r < 0.12 and len(text) > 12:
        i = RNG.randrange(3, len(text) - 3)
        if text[i].isalpha() and text[i + 1].isalpha():
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    elif r < 0.2:
        text = text.lower()
    elif r < 0.24:
        text = text[0].upper() + text[1:] if text else text
    return text


def tool_call_items():
    items = []
    for i in range(12):
        city = CITIES[i % len(CITIES)] if i < 10 else RNG.choice(CITIES)
        phr = RNG.choice(["What's the weather in {c} right now?", "how's the weather in {c} today",
                          "Is it raining in {c}? Check the current weather.", "Weather for {c}, please.",
                          "Tell me the current weather in {c}.", "do I need an umbrella in {c} today? check the weather"])
        items.append((typo(phr.format(c=city)), "get_weather", {"city": city}))
    for i in range(12):
        amount = RNG.choice([20, 45, 100, 250, 1200, 75.5, 19.99, 5000, 60, 330, 8, 999])
        (f, fw), (t, tw) = RNG.sample(CURRENCIES, 2)
        phr = RNG.choice(["Convert {a} {f} to {t}.", "How much is {a} {fw} in {tw}?", "convert {a} {f} into {t} please",
                          "I have {a} {f}; what is that in {t}?", "Exchange {a} {f} to {t}."])
        items.append((typo(phr.format(a=amount, f=f, t=t, fw=fw, tw=tw)), "convert_currency",
                      {"amount": amount, "from": f, "to": t}))
    for i in range(12):
        title = RNG.choice(EVENTS)
        date = f"2026-{RNG.randint(1, 12):02d}-{RNG.randint(1, 28):02d}"
        time = f"{RNG.randint(7, 19):02d}:{RNG.choice(['00', '15', '30', '45'])}"
        phr = RNG.choice(["Create a calendar event called {n} on {d} at {t}.", "Put '{n}' in my calendar for {d} at {t}.",
                          "add an event {n} on {d} at {t} to the calendar", "Schedule {n} on {d} at {t} in my calendar."])
        items.append((typo(phr.format(n=title, d=date, t=time)), "create_calendar_event",
                      {"title": title, "date": date, "time": time}))
    for i in range(11):
        mail = email(RNG.choice(FIRST), RNG.choice(LAST))
        phr = RNG.choice(["Find the orders placed by {e}.", "Look up all orders for customer {e}.",
                          "search orders for {e} please", "What has {e} ordered? Search the orders.",
                          "Show me the order history of {e}."])
        items.append((phr.format(e=mail), "search_orders", {"customer_email": mail}))
    for i in range(12):
        mail = email(RNG.choice(FIRST), RNG.choice(LAST))
        subject = RNG.choice(SUBJECTS)
        phr = RNG.choice(["Send an email to {e} with the subject '{s}'.", "Email {e}, subject: {s}.",
                          "send a mail to {e} titled \"{s}\"", "Write an email to {e} with subject line {s}."])
        items.append((phr.format(e=mail, s=subject), "send_email", {"to": mail, "subject": subject}))
    for i in range(11):
        minutes = RNG.choice([3, 5, 8, 10, 12, 15, 20, 25, 30, 45, 90])
        phr = RNG.choice(["Set a timer for {m} minutes.", "start a {m} minute timer", "Timer: {m} minutes, please.",
                          "Can you set a countdown for {m} minutes?", "set timer {m} min"])
        items.append((typo(phr.format(m=minutes)), "set_timer", {"minutes": minutes}))
    out = []
    for text, name, args in items:
        # The agent knows this step is a tool call (tool selection with arguments), so it requires one.
        out.append({"kind": "tool_call", "messages": [{"role": "user", "content": text}], "tools": TOOLS,
                    "tool_choice": "required",
                    "expected": {"route": "tool_call", "tool": name, "arguments": args}})
    return out


# ---------------------------------------------------------------- extract

def schema_format(name, properties, required):
    return {"type": "json_schema", "json_schema": {"name": name, "schema": {
        "type": "object", "properties": properties, "required": required, "additionalProperties": False}}}


def extract_items():
    out = []
    for i in range(15):
        first, last = RNG.choice(FIRST).capitalize(), RNG.choice(LAST)
        mail = email(first, last)
        company = RNG.choice(["Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Tools", "Wayne Foods"])
        text = RNG.choice([
            "Extract the name, email and company from this signature: {n}, {c}, {e}",
            "Pull the contact details (name, email, company) out of this text: Best regards, {n} ({c}) - {e}",
            "From this email footer, extract name, email and company as JSON: {n} | {c} | {e}"]).format(
            n=f"{first} {last}", c=company, e=mail)
        out.append(("contact", text, {"name": S, "email": S, "company": S}, ["name", "email", "company"],
                    {"name": f"{first} {last}", "email": mail, "company": company}))
    for i in range(15):
        number = f"INV-{RNG.randint(1000, 9999)}"
        date = f"2026-{RNG.randint(1, 12):02d}-{RNG.randint(1, 28):02d}"
        total = RNG.choice([120.5, 99.0, 1480.0, 35.75, 610.2, 2999.99, 48.0])
        text = RNG.choice([
            "Extract the invoice number, date and total from this invoice: Invoice {n}, issued {d}. Total due: {t} EUR.",
            "Pull invoice_number, date and total out of this text: We billed you {t} EUR on {d} (invoice {n}).",
            "Parse this invoice into JSON fields: {n} / date {d} / amount payable {t}"]).format(n=number, d=date, t=total)
        out.append(("invoice", text, {"invoice_number": S, "date": S, "total": {"type": "number"}},
                    ["invoice_number", "date", "total"], {"invoice_number": number, "date": date, "total": total}))
    for i in range(15):
        street = f"{RNG.randint(1, 250)} {RNG.choice(['Oak Street', 'Main Road', 'Harbour Lane', 'Station Avenue', 'Mill Way'])}"
        city = RNG.choice(CITIES)
        postal = str(RNG.randint(10000, 99999))
        text = RNG.choice([
            "Turn this address into street, city and postal_code fields: {s}, {p} {c}",
            "Extract street, city and postal code from: Ship to {s}, {c} {p}.",
            "Parse the delivery address into JSON: {s} - {p} {c}"]).format(s=street, c=city, p=postal)
        out.append(("address", text, {"street": S, "city": S, "postal_code": S}, ["street", "city", "postal_code"],
                    {"street": street, "city": city, "postal_code": postal}))
    for i in range(15):
        product = RNG.choice(["USB-C cable", "desk lamp", "coffee grinder", "yoga mat", "laptop stand", "water bottle"])
        qty = RNG.randint(1, 40)
        price = RNG.choice([4.99, 12.5, 29.0, 89.9, 15.25, 7.0])
        text = RNG.choice([
            "Fill in product, quantity and unit_price from this purchase order: {q} x {p} at {u} each.",
            "Extract the product, quantity and unit price: please send {q} units of {p}, unit price {u}.",
            "From this order line, extract product, quantity and unit_price as JSON: {p}; qty {q}; {u} per unit"]).format(
            p=product, q=qty, u=price)
        out.append(("order_line", text, {"product": S, "quantity": {"type": "integer"}, "unit_price": {"type": "number"}},
                    ["product", "quantity", "unit_price"], {"product": product, "quantity": qty, "unit_price": price}))
    return [{"kind": "extract", "messages": [{"role": "user", "content": text}],
             "response_format": schema_format(name, props, req),
             "expected": {"route": "extract", "object": obj}} for name, text, props, req, obj in out]


# ---------------------------------------------------------------- classify

SENTIMENT = {
    "positive": ["Absolutely love this blender, it crushes ice in seconds!", "Great service, the staff were so friendly.",
                 "Best headphones I have ever owned.", "the delivery was fast and the package was perfect",
                 "Five stars, would buy again.", "This app made my mornings so much easier, thank you!",
                 "Wonderful hotel, spotless rooms and a lovely view."],
    "negative": ["The battery died after two days.", "Terrible support, nobody answered my calls for a week.",
                 "The shoes fell apart after one walk.", "worst pizza I've had, cold and soggy",
                 "Refund still not processed after a month. Very disappointed.", "The app crashes every time I open it.",
                 "Rude staff and a dirty room."],
    "neutral": ["The package arrived on Tuesday.", "It is a blue shirt in size medium.",
                "The store opens at nine and closes at six.", "I ordered the standard version of the kettle.",
                "The manual has twelve pages.", "The train was on time as usual."],
}
TICKETS = {
    "billing": ["I was charged twice for my subscription this month.", "Can I get an invoice with my company's VAT number?",
                "My credit card payment was declined but money left my account.", "Why did my monthly fee go up?",
                "Please refund the duplicate charge on my card."],
    "technical": ["The app crashes when I upload a photo.", "I can't log in, the page says error 500.",
                  "Sync between my phone and laptop stopped working.", "The export to PDF produces an empty file.",
                  "Password reset emails never arrive."],
    "sales": ["Do you offer discounts for teams of fifty people?", "I'd like a quote for the enterprise plan.",
              "Can we get a demo of the premium tier next week?", "What does the annual plan cost compared to monthly?",
              "We want to buy 200 licences, who do I talk to?"],
}


def classify_items():
    out = []
    for label, texts in SENTIMENT.items():
        for t in texts:
            for phr in RNG.sample(["Classify the sentiment of this review as positive, negative or neutral: {t}",
                                   "Is this review positive, negative or neutral? {t}",
                                   "Sentiment label (positive/negative/neutral) for: \"{t}\""], 2):
                out.append(("sentiment", typo(phr.format(t=t)), ["positive", "negative", "neutral"], label))
    for label, texts in TICKETS.items():
        for t in texts:
            for phr in RNG.sample(["Which department should handle this ticket: billing, technical or sales? {t}",
                                   "Route this support ticket to billing, technical or sales: {t}",
                                   "Categorise this customer message as billing, technical or sales: {t}"], 2):
                out.append(("ticket_category", phr.format(t=t), ["billing", "technical", "sales"], label))
    RNG.shuffle(out)
    return [{"kind": "classify", "messages": [{"role": "user", "content": text}],
             "response_format": schema_format(name, {"label": {"type": "string", "enum": labels}}, ["label"]),
             "expected": {"route": "classify", "label": label}} for name, text, labels, label in out[:60]]


# ---------------------------------------------------------------- summarize

SUMMARY_TEXTS = [
    ("The city council voted on Monday to extend the tram line to the airport. Construction starts in spring and the "
     "council expects the line to carry twenty thousand passengers a day.", ["tram", "airport"]),
    ("Our quarterly revenue rose by twelve percent, driven mostly by strong sales of the new espresso machine in Europe. "
     "Costs stayed flat, so profit grew as well.", ["revenue", "espresso"]),
    ("The server outage on Friday was caused by an expired TLS certificate. The team renewed it within an hour and added "
     "an alert that fires thirty days before expiry.", ["certificate"]),
    ("Heavy snow closed the mountain pass for three days. Trucks were rerouted through the valley, which added about "
     "two hours to every delivery.", ["snow", "pass"]),
    ("The library will stay open until midnight during exam weeks. Students asked for longer hours in a survey last "
     "autumn, and the university found the budget for extra staff.", ["library", "midnight"]),
    ("A recall was issued for the X200 bicycle helmet after tests showed the strap buckle can break under load. "
     "Owners can return it for a full refund.", ["recall", "helmet"]),
    ("The marathon was won by a first-time runner from Kenya who finished in two hours and six minutes, beating the "
     "course record by almost a minute.", ["marathon", "record"]),
    ("Starting in March, employees may work from home on Mondays and Fridays. Managers will review the policy after six "
     "months based on team feedback.", ["home"]),
    ("The museum received a donation of forty paintings from a private collector. They will be shown in a new wing "
     "that opens next year.", ["museum", "paintings"]),
    ("Water levels in the reservoir have fallen to their lowest point in a decade, and the town has banned garden "
     "watering until the autumn rains.", ["reservoir", "water"]),
    ("The new firmware update fixes the battery drain on older phones and adds a dark mode to the settings menu. It "
     "rolls out to all users this week.", ["firmware", "battery"]),
    ("Customer complaints about late deliveries doubled in November. Most came from the northern region, where the "
     "warehouse was short of drivers.", ["deliveries", "drivers"]),
    ("The school will replace its old heating system with heat pumps over the summer holidays, cutting its energy bill "
     "by about a third.", ["heat pumps", "school"]),
    ("After two years of testing, the bakery switched to compostable packaging for all its bread and pastries.",
     ["packaging", "bakery"]),
    ("The football club sold its star striker to a Spanish team for a record fee and plans to spend the money on its "
     "youth academy.", ["striker", "academy"]),
    ("Scientists found that the coral reef recovered faster than expected after the storm, thanks to cooler water "
     "temperatures this year.", ["coral", "reef"]),
    ("The airline cancelled forty flights because of a strike by baggage handlers. Passengers can rebook for free "
     "or ask for a refund.", ["strike", "flights"]),
    ("The hospital opened a new children's ward with twenty beds and a playroom, funded by a local charity run.",
     ["hospital", "children"]),
    ("Sales of electric scooters tripled this year, and the city is adding parking zones to keep pavements clear.",
     ["scooters"]),
    ("The software team migrated the billing service to the new database without downtime, and queries are now twice "
     "as fast.", ["database", "billing"]),
    ("A wildfire near the village was brought under control after four days. No homes were lost, but the main road "
     "remains closed.", ["wildfire"]),
    ("The company will hire fifty engineers in Lisbon next year to build its new payments product.",
     ["engineers", "Lisbon"]),
    ("Rail fares will rise by three percent in January, the smallest increase in five years.", ["fares"]),
    ("The zoo welcomed a baby giraffe on Sunday; keepers say mother and calf are healthy.", ["giraffe"]),
    ("The bridge will be closed to cars for repairs until June, but cyclists and pedestrians can still cross.",
     ["bridge", "repairs"]),
]


def summarize_items():
    out = []
    phrasings = ["Summarize this in one sentence: {t}", "Give me a one-line summary of this text: {t}",
                 "TL;DR: {t}", "Summarise the main point briefly: {t}", "Write a short summary of the following. {t}"]
    for t, terms in SUMMARY_TEXTS:
        for phr in RNG.sample(phrasings, 2):
            out.append({"kind": "summarize", "messages": [{"role": "user", "content": phr.format(t=t)}],
                        "expected": {"route": "summarize", "key_terms": terms}})
    return out


# ---------------------------------------------------------------- reason

def reason_items():
    out = []
    for i in range(10):
        a, b = RNG.randint(3, 9), RNG.randint(2, 6)
        price = RNG.choice([2, 3, 4, 5])
        left = RNG.randint(1, 20)
        out.append((f"Think it through step by step: I have {a * price + b * 5 + left} euros, buy {a} notebooks at "
                    f"{price} euros each, then spend another {b * 5} euros on pens. How many euros are left?",
                    str(left)))
    for i in range(10):
        speed = RNG.choice([40, 50, 60, 80, 90])
        hours = RNG.choice([2, 3, 4])
        start = RNG.randint(6, 12)
        out.append((f"Work out step by step: a train leaves at {start}:00 and travels {speed * hours} km at {speed} km/h. "
                    f"At what hour does it arrive?", f"{start + hours}:00"))
    for i in range(10):
        x = RNG.randint(2, 12)
        k = RNG.randint(2, 5)
        c = RNG.randint(1, 20)
        out.append((f"Solve step by step and explain: if {k} times a number plus {c} equals {k * x + c}, what is the number?",
                    str(x)))
    for i in range(10):
        n = RNG.randint(3, 8)
        out.append((f"Reason it through: a tournament has {n} teams and every team plays every other team once. "
                    f"How many games are played in total?", str(n * (n - 1) // 2)))
    for i in range(10):
        older = RNG.randint(3, 9)
        age = RNG.randint(5, 15)
        later = RNG.randint(2, 10)
        out.append((f"Figure this out step by step: Tom is {older} years older than his sister, who is {age}. "
                    f"How old will Tom be in {later} years?", str(age + older + later)))
    return [{"kind": "reason", "messages": [{"role": "user", "content": q}],
             "expected": {"route": "reason", "answer": a}} for q, a in out]


# ---------------------------------------------------------------- out of scope

OUT_OF_SCOPE = [
    "hey, how are you doing today?", "Good morning!", "lol that's hilarious", "thanks, you're the best",
    "Do you have feelings?", "What's your favourite colour?", "Tell me a joke about penguins.",
    "Write a haiku about autumn leaves.", "Compose a love poem for my wife.", "Sing me a lullaby.",
    "asdf qwerty zxcv", "blorp fizzle wug wug", "......", "ok", "hmm", "??", "purple monkey dishwasher",
    "Who won the world cup in 1998?", "What is the capital of Australia?", "Who painted the Mona Lisa?",
    "Recommend a good sci-fi novel.", "What should I name my cat?", "Draw me a picture of a horse.",
    "Play rock paper scissors with me.", "Let's role-play as pirates.", "Are aliens real?",
    "Is a hot dog a sandwich?", "Tell me about yourself.", "Do you dream?", "I'm bored.",
    "Write a rap verse about coffee.", "What's the meaning of life?", "bye!", "See you later, alligator.",
    "Can you keep a secret?", "What did the fox say?", "Rate my outfit: red jacket and green trousers.",
    "Give me a pep talk.", "Knock knock.", "I love pizza.", "How tall is Mount Everest?",
    "Who is the president of France?", "What year did the Titanic sink?", "Invent a new word and define it.",
    "Pretend you are a cat and meow.", "xkcd 927", "Write a limerick about a goat.", "Happy birthday to me!",
    "Can you hear me?", "What's up?",
]


def out_of_scope_items():
    return [{"kind": "out_of_scope", "messages": [{"role": "user", "content": typo(t)}], "expected": {"route": None}}
            for t in OUT_OF_SCOPE]


def split(item_id):
    return "calibration" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 10 < 6 else "test"


def main():
    groups = [("tool", tool_call_items()), ("extract", extract_items()), ("classify", classify_items()),
              ("summarize", summarize_items()), ("reason", reason_items()), ("oos", out_of_scope_items())]
    for prefix, items in groups:
        for n, item in enumerate(items, 1):
            item_id = f"{prefix}-{n:03d}"
            line = {"id": item_id, "kind": item["kind"], "split": split(item_id), "messages": item["messages"]}
            for key in ("tools", "tool_choice", "response_format"):
                if key in item:
                    line[key] = item[key]
            line["expected"] = item["expected"]
            print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
