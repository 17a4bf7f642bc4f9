#!/usr/bin/env python3
"""Generates the router's labelled evaluation set (calibration/subtasks.jsonl).

Templates x fillers, seeded, so the set is varied and the same on every run:
  python3 scripts/generate_subtasks.py > examples/src/main/resources/dev/cascade4j/cli/calibration/subtasks.jsonl
Each line: id, kind, variant (tool-call items: single, parallel, no_tool, follow_up), split (calibration
~60% / test ~40%, from a hash of the id, so fixed), messages (OpenAI shape, with assistant tool_calls and
tool results), optional tools, tool_choice and response_format, and expected {route, ...}.
The first 340 items come from the first generator (RNG) and stay as they were; what was added since has
generators of its own (NEW, MORE), so adding items never changes the earlier ones.
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


def email(first, last, rng=RNG):
    return f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}"


def typo(text, rng=RNG):
    """Now and then a swapped letter pair or odd casing, as people type."""
    r = rng.random()
    if r < 0.12 and len(text) > 12:
        i = rng.randrange(3, len(text) - 3)
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


# ---------------------------------------------------------------- agent traffic: tool calls
# Added after the first 340 items, from their own generator so that those stay as they were.

NEW = random.Random(13)

DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM, 24-hour clock"}
EMAIL = {"type": "string", "format": "email"}
CODES = ["USD", "EUR", "GBP", "JPY", "CHF", "SEK", "CAD", "AUD"]
CURRENCY = {"type": "string", "enum": CODES, "description": "ISO 4217 code"}
ROOMS = ["living room", "kitchen", "bedroom", "bathroom", "office", "hallway"]
ACCOUNTS = ["checking", "savings", "credit card"]
LANGUAGES = ["English", "French", "German", "Spanish", "Italian", "Portuguese", "Japanese", "Dutch"]


def obj(properties, required):
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def fn(name, description, properties, required):
    return {"type": "function", "function": {"name": name, "description": description,
                                             "parameters": obj(properties, required)}}


CATALOGUE = {t["function"]["name"]: t for t in [
    fn("get_weather", "Current weather for a city.",
       {"city": S, "units": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "default celsius"}},
       ["city"]),
    fn("get_forecast", "Daily weather forecast for a city for the next 1 to 10 days.",
       {"city": S, "days": {"type": "integer", "minimum": 1, "maximum": 10},
        "units": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, ["city", "days"]),
    fn("convert_currency", "Convert an amount of money from one currency to another at today's rate.",
       {"amount": {"type": "number", "minimum": 0}, "from": CURRENCY, "to": CURRENCY}, ["amount", "from", "to"]),
    fn("create_calendar_event", "Create an event in the user's calendar.",
       {"title": S, "start": obj({"date": DATE, "time": TIME}, ["date", "time"]),
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
        "attendees": {"type": "array", "items": EMAIL, "maxItems": 10}}, ["title", "start"]),
    fn("search_orders", "Find a customer's orders by email address, optionally only those in one status.",
       {"customer_email": EMAIL, "status": {"type": "string", "enum": ["pending", "shipped", "delivered", "cancelled"]},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50}}, ["customer_email"]),
    fn("send_email", "Send an email.",
       {"to": {"type": "array", "items": EMAIL, "minItems": 1, "maxItems": 5}, "subject": S, "body": S,
        "cc": {"type": "array", "items": EMAIL, "maxItems": 5}}, ["to", "subject"]),
    fn("set_timer", "Start a countdown timer.",
       {"minutes": {"type": "integer", "minimum": 1, "maximum": 720}, "label": S}, ["minutes"]),
    fn("book_restaurant", "Reserve a table at a restaurant.",
       {"restaurant": S, "party_size": {"type": "integer", "minimum": 1, "maximum": 20}, "date": DATE, "time": TIME,
        "notes": S}, ["restaurant", "party_size", "date", "time"]),
    fn("search_flights", "Search flights between two airports (IATA codes) on a date.",
       {"origin": {"type": "string", "pattern": "^[A-Z]{3}$"}, "destination": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "date": DATE, "cabin": {"type": "string", "enum": ["economy", "premium_economy", "business", "first"]},
        "passengers": obj({"adults": {"type": "integer", "minimum": 1, "maximum": 9},
                           "children": {"type": "integer", "minimum": 0, "maximum": 8}}, ["adults"])},
       ["origin", "destination", "date"]),
    fn("get_stock_price", "Latest price of a listed stock by its ticker symbol.",
       {"symbol": {"type": "string", "pattern": "^[A-Z]{1,5}$"}}, ["symbol"]),
    fn("translate_text", "Translate a text into another language.",
       {"text": S, "target_language": {"type": "string", "enum": LANGUAGES},
        "source_language": {"type": "string", "enum": LANGUAGES}}, ["text", "target_language"]),
    fn("add_to_shopping_list", "Add items to the shared shopping list.",
       {"items": {"type": "array", "minItems": 1, "maxItems": 10, "items": obj(
           {"name": S, "quantity": {"type": "integer", "minimum": 1, "maximum": 99}}, ["name"])}}, ["items"]),
    fn("control_lights", "Switch the lights of a room on or off, optionally at a brightness.",
       {"room": {"type": "string", "enum": ROOMS}, "power": {"type": "string", "enum": ["on", "off"]},
        "brightness": {"type": "integer", "minimum": 0, "maximum": 100}}, ["room", "power"]),
    fn("play_music", "Play music matching a search on the home speakers.",
       {"query": S, "room": {"type": "string", "enum": ROOMS}, "shuffle": {"type": "boolean"}}, ["query"]),
    fn("create_support_ticket", "Open a ticket for the support team.",
       {"title": S, "priority": {"type": "string", "enum": ["low", "medium", "high", "urgent"]},
        "component": {"type": "string", "enum": ["billing", "login", "mobile app", "api", "website"]},
        "description": S}, ["title", "priority", "component"]),
    fn("track_package", "Where a parcel is, by tracking number.",
       {"tracking_number": {"type": "string", "pattern": "^[A-Z0-9]{8,22}$"},
        "carrier": {"type": "string", "enum": ["ups", "fedex", "dhl", "usps"]}}, ["tracking_number"]),
    fn("search_products", "Search the shop's catalogue.",
       {"query": S, "max_price": {"type": "number", "minimum": 0},
        "category": {"type": "string", "enum": ["electronics", "home", "sports", "books", "clothing"]},
        "in_stock_only": {"type": "boolean"}}, ["query"]),
    fn("create_reminder", "Remind the user of something at a date and time.",
       {"text": S, "due": obj({"date": DATE, "time": TIME}, ["date", "time"])}, ["text", "due"]),
    fn("get_directions", "Route and travel time between two places.",
       {"origin": S, "destination": S, "mode": {"type": "string", "enum": ["driving", "walking", "cycling", "transit"]}},
       ["origin", "destination"]),
    fn("lookup_contact", "Find a person in the address book by name: email address and phone number.",
       {"name": S}, ["name"]),
    fn("get_account_balance", "Current balance of one of the user's bank accounts.",
       {"account": {"type": "string", "enum": ACCOUNTS}}, ["account"]),
    fn("transfer_money", "Move money between the user's own bank accounts.",
       {"from_account": {"type": "string", "enum": ACCOUNTS}, "to_account": {"type": "string", "enum": ACCOUNTS},
        "amount": {"type": "number", "exclusiveMinimum": 0}, "reference": S}, ["from_account", "to_account", "amount"]),
]}

# Tools close enough that a request for one could be served by the other: never offered as the "no tool
# applies" set of the other's request.
RELATED = [{"get_weather", "get_forecast"}, {"get_account_balance", "transfer_money"},
           {"search_orders", "track_package"}, {"create_calendar_event", "create_reminder", "set_timer"},
           {"send_email", "lookup_contact"}]

SYMBOLS = [("Apple", "AAPL"), ("Microsoft", "MSFT"), ("Nvidia", "NVDA"), ("Tesla", "TSLA"), ("Amazon", "AMZN"),
           ("Alphabet", "GOOGL"), ("Netflix", "NFLX"), ("Intel", "INTC"), ("IBM", "IBM"), ("Shopify", "SHOP")]
AIRPORTS = [("Berlin", "BER"), ("Lisbon", "LIS"), ("Tokyo", "HND"), ("Madrid", "MAD"), ("Oslo", "OSL"),
            ("Dublin", "DUB"), ("Prague", "PRG"), ("Munich", "MUC"), ("Milan", "MXP"), ("Toronto", "YYZ"),
            ("Seoul", "ICN"), ("Nairobi", "NBO"), ("Vienna", "VIE"), ("Athens", "ATH")]
RESTAURANTS = ["Trattoria Roma", "Sakura Sushi", "The Green Fork", "Casa Lola", "Blue Harbour", "Le Petit Bistro",
               "Spice Garden", "Noodle House"]
PRODUCTS = ["running shoes", "noise-cancelling headphones", "standing desk", "espresso machine", "hiking backpack",
            "mechanical keyboard", "air fryer", "yoga mat", "e-reader", "winter jacket"]
GROCERIES = ["milk", "eggs", "bread", "apples", "coffee", "rice", "tomatoes", "butter", "oat milk", "bananas",
             "pasta", "olive oil"]
MUSIC = ["jazz", "lo-fi beats", "Beethoven symphonies", "80s pop", "Miles Davis", "Norah Jones", "classic rock",
         "bossa nova"]
PLACES = ["the central station", "the airport", "the city museum", "Oak Street 12", "the university library",
          "the old harbour", "the stadium", "the main market"]
PHRASES = ["Where is the train station?", "Thank you for your help.", "The meeting starts at ten.",
           "I would like a coffee, please.", "Happy birthday!", "See you tomorrow.", "How much does this cost?"]
TRANSLATIONS = {  # (phrase, language) -> a translation, for tool results
    "Thank you for your help.": {"French": "Merci pour votre aide.", "German": "Danke für Ihre Hilfe.",
                                 "Spanish": "Gracias por su ayuda.", "Italian": "Grazie per il suo aiuto."},
    "See you tomorrow.": {"French": "À demain.", "German": "Bis morgen.", "Spanish": "Hasta mañana.",
                          "Italian": "A domani."},
    "Happy birthday!": {"French": "Joyeux anniversaire !", "German": "Alles Gute zum Geburtstag!",
                        "Spanish": "¡Feliz cumpleaños!", "Italian": "Buon compleanno!"},
}
TICKET_ISSUES = [("I can't log in since the last update", "login"), ("the invoice shows the wrong VAT", "billing"),
                 ("the iPhone app crashes when I open settings", "mobile app"),
                 ("the API returns 500 on every POST to /orders", "api"),
                 ("the checkout page on the website does not load", "website")]
REMINDERS = ["call the plumber", "pay the electricity bill", "water the plants", "renew my passport",
             "pick up the dry cleaning", "send the report to Maria", "book the car service"]


def r_date(r):
    return f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


def r_time(r):
    return f"{r.randint(7, 21):02d}:{r.choice(['00', '15', '30', '45'])}"


def r_person(r):
    first, last = r.choice(FIRST).capitalize(), r.choice(LAST)
    return first, last, email(first, last, r)


def r_tracking(r):
    return r.choice(["1Z", "JD", "94", "LX"]) + "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
                                                      for _ in range(r.randint(8, 14)))


# Each sampler returns (request as a sentence, the same request as a clause to join with others, arguments).

def s_weather(r, city=None):
    city = city or r.choice(CITIES)
    args = {"city": city}
    unit = r.choice(["fahrenheit", "celsius"]) if r.random() < 0.25 else None
    u = f" in {unit}" if unit else ""
    if unit:
        args["units"] = unit
    sentence = r.choice([f"What's the weather in {city} right now{u}?", f"how warm is it in {city} at the moment{u}",
                         f"Current conditions in {city}{u}, please.", f"Is it sunny in {city} now? Give me the weather{u}."])
    return sentence, f"check the current weather in {city}{u}", args


def s_forecast(r):
    city, days = r.choice(CITIES), r.randint(2, 7)
    sentence = r.choice([f"What will the weather be like in {city} over the next {days} days?",
                         f"{days}-day forecast for {city}, please.", f"Give me the forecast for {city} for the coming {days} days."])
    return sentence, f"get the {days}-day forecast for {city}", {"city": city, "days": days}


def s_convert(r):
    amount = r.choice([15, 40, 120, 250, 75.5, 1999.99, 800, 64, 3000, 12.5])
    f, t = r.sample(CODES, 2)
    sentence = r.choice([f"How much is {amount} {f} in {t}?", f"Convert {amount} {f} to {t} for me.",
                         f"what's {amount} {f} worth in {t} today", f"I need {amount} {f} expressed in {t}."])
    return sentence, f"convert {amount} {f} to {t}", {"amount": amount, "from": f, "to": t}


def s_event(r):
    title, date, time = r.choice(EVENTS), r_date(r), r_time(r)
    args = {"title": title, "start": {"date": date, "time": time}}
    extra = ""
    if r.random() < 0.4:
        args["duration_minutes"] = r.choice([15, 30, 45, 60, 90, 120])
        extra += f" for {args['duration_minutes']} minutes"
    if r.random() < 0.4:
        people = [r_person(r)[2] for _ in range(r.randint(1, 2))]
        args["attendees"] = people
        extra += " and invite " + " and ".join(people)
    sentence = r.choice([f"Put {title} in my calendar on {date} at {time}{extra}.",
                         f"Create a calendar event '{title}' on {date} at {time}{extra}.",
                         f"schedule {title} for {date}, {time}{extra}"])
    return sentence, f"add {title} to my calendar on {date} at {time}{extra}", args


def s_orders(r):
    mail = r_person(r)[2]
    args = {"customer_email": mail}
    status = r.choice(["pending", "shipped", "delivered", "cancelled"]) if r.random() < 0.4 else None
    s = f"{status} " if status else ""
    if status:
        args["status"] = status
    if r.random() < 0.25:
        args["limit"] = r.choice([3, 5, 10])
        sentence = f"Show the last {args['limit']} {s}orders of {mail}."
        clause = f"show the last {args['limit']} {s}orders of {mail}"
    else:
        sentence = r.choice([f"Find the {s}orders placed by {mail}.", f"Which {s}orders does {mail} have?",
                             f"look up {s}orders for customer {mail}"])
        clause = f"find the {s}orders of {mail}"
    return sentence, clause, args


def s_email(r):
    to = [r_person(r)[2] for _ in range(r.choice([1, 1, 1, 2]))]
    subject = r.choice(SUBJECTS)
    args = {"to": to, "subject": subject}
    names = " and ".join(to)
    extra = ""
    if r.random() < 0.25:
        cc = r_person(r)[2]
        args["cc"] = [cc]
        extra = f", cc {cc}"
    sentence = r.choice([f"Send an email to {names} with the subject '{subject}'{extra}.",
                         f"Email {names}, subject: {subject}{extra}.", f"mail {names} titled \"{subject}\"{extra}"])
    return sentence, f"email {names} with the subject '{subject}'{extra}", args


def s_timer(r):
    minutes = r.choice([2, 4, 7, 10, 15, 25, 40, 60, 90])
    args = {"minutes": minutes}
    label = r.choice(["pasta", "tea", "laundry", "oven", "break"]) if r.random() < 0.4 else None
    if label:
        args["label"] = label
        return (r.choice([f"Set a {minutes} minute timer for the {label}.", f"Timer for the {label}: {minutes} minutes."]),
                f"set a {minutes} minute timer for the {label}", args)
    return (r.choice([f"Set a timer for {minutes} minutes.", f"start a {minutes}-minute countdown",
                      f"Could you time {minutes} minutes for me?"]), f"set a timer for {minutes} minutes", args)


def s_restaurant(r):
    place, n, date, time = r.choice(RESTAURANTS), r.randint(2, 8), r_date(r), r_time(r)
    args = {"restaurant": place, "party_size": n, "date": date, "time": time}
    sentence = r.choice([f"Book a table for {n} at {place} on {date} at {time}.",
                         f"Reserve {place} for {n} people, {date} at {time}.",
                         f"can you get us a table at {place}? {n} of us, {date}, {time}"])
    return sentence, f"book a table for {n} at {place} on {date} at {time}", args


def s_flights(r):
    (oc, o), (dc, d) = r.sample(AIRPORTS, 2)
    date = r_date(r)
    args = {"origin": o, "destination": d, "date": date}
    extra = ""
    if r.random() < 0.35:
        args["cabin"] = r.choice(["business", "economy", "first"])
        extra += f" in {args['cabin']}"
    if r.random() < 0.4:
        adults, children = r.randint(1, 3), r.randint(1, 2)
        args["passengers"] = {"adults": adults, "children": children}
        extra += f" for {adults} adult{'s' if adults > 1 else ''} and {children} child{'ren' if children > 1 else ''}"
    sentence = r.choice([f"Find flights from {oc} ({o}) to {dc} ({d}) on {date}{extra}.",
                         f"search flights {o} to {d} on {date}{extra}",
                         f"Are there flights from {o} to {d} on {date}{extra}?"])
    return sentence, f"search flights from {o} to {d} on {date}{extra}", args


def s_stock(r, pick=None):
    company, symbol = pick or r.choice(SYMBOLS)
    sentence = r.choice([f"What's {company} ({symbol}) trading at?", f"Stock price of {symbol}, please.",
                         f"how is {symbol} doing today? get the price"])
    return sentence, f"get the stock price of {symbol}", {"symbol": symbol}


def s_translate(r):
    text, lang = r.choice(PHRASES), r.choice(["French", "German", "Spanish", "Italian", "Japanese", "Dutch"])
    return (r.choice([f"Translate \"{text}\" into {lang}.", f"How do you say \"{text}\" in {lang}? Use the translator."]),
            f"translate \"{text}\" into {lang}", {"text": text, "target_language": lang})


def s_shopping(r):
    names = r.sample(GROCERIES, r.randint(1, 3))
    items, words = [], []
    for name in names:
        if r.random() < 0.5:
            q = r.randint(2, 6)
            items.append({"name": name, "quantity": q})
            words.append(f"{q} {name}")
        else:
            items.append({"name": name})
            words.append(name)
    listed = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return (r.choice([f"Add {listed} to the shopping list.", f"put {listed} on the shopping list",
                      f"We need {listed}; add it to the list."]), f"add {listed} to the shopping list", {"items": items})


def s_lights(r, room=None):
    room = room or r.choice(ROOMS)
    power = r.choice(["on", "off"])
    args = {"room": room, "power": power}
    if power == "on" and r.random() < 0.4:
        args["brightness"] = r.choice([20, 40, 60, 80])
        return (f"Turn the {room} lights on at {args['brightness']} percent.",
                f"turn the {room} lights on at {args['brightness']} percent", args)
    return (r.choice([f"Turn {power} the lights in the {room}.", f"switch the {room} lights {power}"]),
            f"switch the {room} lights {power}", args)


def s_music(r):
    q = r.choice(MUSIC)
    args = {"query": q}
    extra = ""
    if r.random() < 0.4:
        args["room"] = r.choice(ROOMS)
        extra += f" in the {args['room']}"
    if r.random() < 0.3:
        args["shuffle"] = True
        extra += " on shuffle"
    return (r.choice([f"Play {q}{extra}.", f"put on some {q}{extra}", f"I'd like to hear {q}{extra}."]),
            f"play {q}{extra}", args)


def s_ticket(r):
    issue, component = r.choice(TICKET_ISSUES)
    priority = r.choice(["low", "medium", "high", "urgent"])
    args = {"title": issue, "priority": priority, "component": component}
    return (f"Open a {priority} priority support ticket for the {component} team: {issue}.",
            f"open a {priority} priority {component} ticket: {issue}", args)


def s_track(r, number=None):
    number = number or r_tracking(r)
    args = {"tracking_number": number}
    carrier = r.choice(["ups", "fedex", "dhl", "usps"]) if r.random() < 0.5 else None
    c = f" ({carrier.upper()})" if carrier else ""
    if carrier:
        args["carrier"] = carrier
    return (r.choice([f"Where is my parcel {number}{c}?", f"Track package {number}{c}.",
                      f"has {number}{c} been delivered yet?"]), f"track the parcel {number}{c}", args)


def s_products(r):
    q = r.choice(PRODUCTS)
    args = {"query": q}
    extra = ""
    if r.random() < 0.45:
        args["max_price"] = r.choice([50, 80, 150, 300])
        extra += f" under {args['max_price']} dollars"
    if r.random() < 0.3:
        args["in_stock_only"] = True
        extra += " that are in stock"
    return (r.choice([f"Search the shop for {q}{extra}.", f"do you sell {q}{extra}?", f"Find {q}{extra} in the catalogue."]),
            f"search the shop for {q}{extra}", args)


def s_reminder(r):
    text, date, time = r.choice(REMINDERS), r_date(r), r_time(r)
    args = {"text": text, "due": {"date": date, "time": time}}
    return (r.choice([f"Remind me to {text} on {date} at {time}.", f"set a reminder for {date} {time}: {text}"]),
            f"remind me to {text} on {date} at {time}", args)


def s_directions(r):
    a, b = r.sample(PLACES, 2)
    args = {"origin": a, "destination": b}
    mode = r.choice(["walking", "cycling", "transit", "driving"]) if r.random() < 0.6 else None
    m = f" by {'public transport' if mode == 'transit' else 'bike' if mode == 'cycling' else 'car' if mode == 'driving' else 'foot'}" if mode else ""
    if mode:
        args["mode"] = mode
    return (r.choice([f"How do I get from {a} to {b}{m}?", f"Directions from {a} to {b}{m}, please."]),
            f"get directions from {a} to {b}{m}", args)


def s_contact(r):
    first, last, _ = r_person(r)
    name = f"{first} {last}"
    return (r.choice([f"What's {name}'s email address?", f"Look up {name}'s email in my contacts.",
                      f"find the email address of {name}"]),
            f"look up {name} in my contacts", {"name": name})


def s_balance(r, account=None):
    account = account or r.choice(ACCOUNTS)
    return (r.choice([f"How much is in my {account} account?", f"What's the balance of my {account} account?",
                      f"check my {account} balance"]), f"check the balance of my {account} account", {"account": account})


def s_transfer(r):
    a, b = r.sample(ACCOUNTS, 2)
    amount = r.choice([50, 100, 250, 400, 1200, 75.25])
    args = {"from_account": a, "to_account": b, "amount": amount}
    return (r.choice([f"Move {amount} from my {a} account to {b}.", f"Transfer {amount} from {a} to {b}, please."]),
            f"transfer {amount} from {a} to {b}", args)


SAMPLERS = {"get_weather": s_weather, "get_forecast": s_forecast, "convert_currency": s_convert,
            "create_calendar_event": s_event, "search_orders": s_orders, "send_email": s_email, "set_timer": s_timer,
            "book_restaurant": s_restaurant, "search_flights": s_flights, "get_stock_price": s_stock,
            "translate_text": s_translate, "add_to_shopping_list": s_shopping, "control_lights": s_lights,
            "play_music": s_music, "create_support_ticket": s_ticket, "track_package": s_track,
            "search_products": s_products, "create_reminder": s_reminder, "get_directions": s_directions,
            "lookup_contact": s_contact, "get_account_balance": s_balance, "transfer_money": s_transfer}
assert set(SAMPLERS) == set(CATALOGUE)


def offer(r, needed, low=1, high=6, avoid=()):
    """The needed tools among distractors, 1-6 in all, in a shuffled order as agents list them."""
    others = [n for n in CATALOGUE if n not in needed and n not in avoid]
    size = r.randint(max(low, len(needed)), high)
    names = list(needed) + r.sample(others, size - len(needed))
    r.shuffle(names)
    return [CATALOGUE[n] for n in names]


def call(name, args):
    return {"tool": name, "arguments": args}


def values(node):
    if isinstance(node, dict):
        return [v for x in node.values() for v in values(x)]
    if isinstance(node, list):
        return [v for x in node for v in values(x)]
    return [str(node)] if isinstance(node, str) else []


def careful_typo(text, calls, r):
    """A typo, unless it changes a value the calls take from the text: the ground truth stays in the request."""
    typed = typo(text, r)
    wanted = [v for c in calls for v in values(c["arguments"]) if v in text]
    return typed if all(v in typed for v in wanted) else text


def single_items(r, n):
    out, names = [], list(CATALOGUE)
    for i in range(n):
        name = names[i % len(names)]
        sentence, _, args = SAMPLERS[name](r)
        # Most agent steps leave the choice to the model; some frameworks require a call.
        choice = "required" if r.random() < 0.25 else "auto"
        out.append({"variant": "single", "messages": [{"role": "user", "content": careful_typo(sentence, [call(name, args)], r)}],
                    "tools": offer(r, [name]), "tool_choice": choice,
                    "expected": {"route": "tool_call", "tool": name, "arguments": args}})
    return out


def parallel_items(r, n):
    out = []
    for i in range(n):
        mode = i % 4
        if mode == 0:  # one tool, two or three subjects
            pick = r.choice(["get_weather", "get_stock_price", "control_lights", "get_account_balance", "track_package"])
            k = 3 if r.random() < 0.3 else 2
            if pick == "get_weather":
                cities = r.sample(CITIES, k)
                calls = [call(pick, {"city": c}) for c in cities]
                listed = ", ".join(cities[:-1]) + " and " + cities[-1]
                text = r.choice([f"What's the weather in {listed}?", f"Compare the current weather in {listed}.",
                                 f"how's the weather right now in {listed}"])
            elif pick == "get_stock_price":
                picks = r.sample(SYMBOLS, k)
                calls = [call(pick, {"symbol": s}) for _, s in picks]
                listed = ", ".join(s for _, s in picks[:-1]) + " and " + picks[-1][1]
                text = r.choice([f"Get me the prices of {listed}.", f"How are {listed} trading right now?"])
            elif pick == "control_lights":
                rooms = r.sample(ROOMS, k)
                power = r.choice(["on", "off"])
                calls = [call(pick, {"room": x, "power": power}) for x in rooms]
                listed = ", ".join(rooms[:-1]) + " and " + rooms[-1]
                text = r.choice([f"Turn {power} the lights in the {listed}.", f"switch the lights {power} in the {listed}"])
            elif pick == "get_account_balance":
                accounts = r.sample(ACCOUNTS, k)
                calls = [call(pick, {"account": a}) for a in accounts]
                listed = ", ".join(accounts[:-1]) + " and " + accounts[-1]
                text = f"What are the balances of my {listed} accounts?"
            else:
                numbers = [r_tracking(r) for _ in range(k)]
                calls = [call(pick, {"tracking_number": x}) for x in numbers]
                listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
                text = f"Track these parcels: {listed}."
            needed = [pick]
        else:  # two or three different tools at once
            k = 3 if mode == 3 else 2
            needed = r.sample(list(CATALOGUE), k)
            parts = [SAMPLERS[name](r) for name in needed]
            calls = [call(name, p[2]) for name, p in zip(needed, parts)]
            clauses = [p[1] for p in parts]
            if k == 2:
                text = r.choice(["{0} and {1}.", "Please {0}, and also {1}.", "Two things: {0}; {1}.",
                                 "{0}. At the same time, {1}."]).format(*clauses)
            else:
                text = r.choice(["{0}, {1} and {2}.", "Please do three things: {0}; {1}; {2}."]).format(*clauses)
            text = text[0].upper() + text[1:]
        out.append({"variant": "parallel", "messages": [{"role": "user", "content": careful_typo(text, calls, r)}],
                    "tools": offer(r, needed, low=2), "tool_choice": "auto",
                    "expected": {"route": "tool_call", "calls": calls}})
    return out


SMALL_TALK = ["Thanks, that's all for now!", "hi there", "You've been really helpful today.", "Good night!",
              "How are you?", "ok cool", "Never mind, forget it.", "haha nice", "What can you do for me?",
              "Are you a human?"]
KNOWLEDGE = ["What is the capital of Canada?", "Who wrote Pride and Prejudice?", "How many legs does a spider have?",
             "What does HTTP stand for?", "Why is the sky blue?", "What is the boiling point of water in Fahrenheit?",
             "Explain what a mortgage is in one sentence.", "Write a two-line poem about Mondays.",
             "What's the difference between a virus and a bacterium?", "Give me a synonym for 'happy'.",
             "Who was the first woman to win a Nobel Prize?", "How many minutes are in a day?",
             "What language is spoken in Brazil?", "Suggest a name for a bakery.", "What's 15% of 80?"]
# Requests for things no catalogue tool does: the honest answer says so instead of calling a tool.
UNSERVED = ["Book me a taxi to the airport for tomorrow at six.", "Order a large pepperoni pizza to my address.",
            "Cancel my gym membership.", "Call my mother.", "Reset the Wi-Fi router in the office.",
            "Post a photo of my dog on Instagram.", "Pay my phone bill.", "Unlock the front door.",
            "Delete all the files in my downloads folder.", "Buy two tickets for the concert on Saturday.",
            "Change my password to hunter2.", "Start the dishwasher."]


def no_tool_items(r, n):
    out = []
    for i in range(n):
        mode = i % 4
        if mode == 0:
            text, tools = r.choice(SMALL_TALK), offer(r, [])
        elif mode == 1:
            text, tools = r.choice(KNOWLEDGE), offer(r, [])
        elif mode == 2:
            text, tools = r.choice(UNSERVED), offer(r, [])
        else:  # a request some catalogue tool serves, but neither it nor a close one is offered
            name = r.choice(list(CATALOGUE))
            text = SAMPLERS[name](r)[0]
            avoid = set().union({name}, *[g for g in RELATED if name in g])
            tools = offer(r, [], avoid=avoid)
        out.append({"variant": "no_tool", "messages": [{"role": "user", "content": typo(text, r)}],
                    "tools": tools, "tool_choice": "auto", "expected": {"route": "tool_call", "no_call": True}})
    return out


# Tool results: what the tool answered, and the facts a right reply repeats.

CONDITIONS = [("sunny", "sunny"), ("light rain", "rain"), ("overcast", "overcast"), ("snow showers", "snow"),
              ("thick fog", "fog"), ("thunderstorms", "thunder")]


def res_weather(r, args):
    temp = r.randint(-5, 34)
    cond, word = r.choice(CONDITIONS)
    return {"city": args["city"], "temperature": temp, "units": args.get("units", "celsius"), "condition": cond,
            "humidity_percent": r.randint(30, 95)}, [str(temp), word]


def res_convert(r, args):
    value = round(args["amount"] * r.uniform(0.6, 1.6), 2)
    if round(value * 100) % 10 == 0:
        value = round(value + 0.03, 2)
    return {"amount": args["amount"], "from": args["from"], "to": args["to"], "result": value}, [f"{value:.2f}"]


def res_orders(r, args):
    ids = [f"A-{r.randint(10000, 99999)}" for _ in range(r.randint(1, 3))]
    status = r.choice(["shipped", "delivered", "pending"])
    orders = [{"order_id": o, "status": status if k == 0 else "delivered", "total": r.choice([23.9, 119.5, 48.75])}
              for k, o in enumerate(ids)]
    return {"customer_email": args["customer_email"], "orders": orders}, [ids[0], status]


def res_stock(r, args):
    price = round(r.uniform(20, 900), 2)
    if round(price * 100) % 10 == 0:
        price = round(price + 0.07, 2)
    return {"symbol": args["symbol"], "price": price, "currency": "USD", "change_percent": round(r.uniform(-4, 4), 1)}, \
        [f"{price:.2f}"]


def res_track(r, args):
    status, city = r.choice(["in transit", "out for delivery", "delivered", "held at customs"]), r.choice(CITIES)
    return {"tracking_number": args["tracking_number"], "status": status, "last_location": city}, [status, city]


def res_balance(r, args):
    value = round(r.uniform(20, 990), 2)
    if round(value * 100) % 10 == 0:
        value = round(value + 0.01, 2)
    return {"account": args["account"], "balance": value, "currency": "EUR"}, [f"{value:.2f}"]


def res_contact(r, args):
    first, last = args["name"].split(" ", 1)
    mail = f"{first.lower()}.{last.lower()}@{r.choice(DOMAINS)}"
    phone = f"+49 30 {r.randint(1000000, 9999999)}"
    return {"name": args["name"], "email": mail, "phone": phone}, [mail]


def res_flights(r, args):
    flights = []
    for _ in range(r.randint(2, 3)):
        flights.append({"flight": f"{r.choice(['LH', 'TP', 'IB', 'SK', 'KL'])}{r.randint(100, 9999)}",
                        "departure": r_time(r), "price": r.randint(89, 900), "currency": "EUR"})
    cheapest = min(flights, key=lambda f: f["price"])
    return {"origin": args["origin"], "destination": args["destination"], "date": args["date"], "flights": flights}, \
        [cheapest["flight"], str(cheapest["price"])]


def res_restaurant(r, args):
    code = f"R{r.randint(1000, 9999)}"
    return {"status": "confirmed", "confirmation_code": code, **args}, [code]


def res_directions(r, args):
    minutes = r.randint(6, 75)
    return {"origin": args["origin"], "destination": args["destination"], "mode": args.get("mode", "driving"),
            "duration_minutes": minutes, "distance_km": round(r.uniform(0.8, 30), 1)}, [str(minutes)]


def res_translate(r, args):
    return {"translation": TRANSLATIONS[args["text"]][args["target_language"]]}, \
        [TRANSLATIONS[args["text"]][args["target_language"]].strip(" !.¡")]


def res_products(r, args):
    results = [{"name": f"{args['query'].title()} {r.choice(['Pro', 'Lite', 'X2', 'Classic'])}",
                "price": r.randint(25, 290), "in_stock": True} for _ in range(2)]
    if results[0]["name"] == results[1]["name"]:
        results[1]["name"] += " Plus"
    return {"results": results}, [results[0]["name"], str(results[0]["price"])]


RESULTS = {"get_weather": res_weather, "convert_currency": res_convert,
           "search_orders": res_orders, "get_stock_price": res_stock, "track_package": res_track,
           "get_account_balance": res_balance, "lookup_contact": res_contact, "search_flights": res_flights,
           "book_restaurant": res_restaurant, "get_directions": res_directions, "search_products": res_products,
           "translate_text": res_translate}


def call_id(r):
    return "call_" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))


def turn(r, calls):
    """The assistant's tool calls as OpenAI sends them, and their ids."""
    ids = [call_id(r) for _ in calls]
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": i, "type": "function", "function": {"name": c["tool"], "arguments": json.dumps(c["arguments"])}}
        for i, c in zip(ids, calls)]}
    return message, ids


def tool_message(call_ref, name, result):
    return {"role": "tool", "tool_call_id": call_ref, "name": name, "content": json.dumps(result, ensure_ascii=False)}


def follow_up_items(r, n):
    out = []
    answerable = list(RESULTS)
    for i in range(n):
        mode = i % 8
        if mode < 5:  # one call, its result, the answer repeats its facts
            name = answerable[(i // 8 * 5 + mode) % len(answerable)]
            if name == "translate_text":
                text = r.choice(list(TRANSLATIONS))
                lang = r.choice(["French", "German", "Spanish", "Italian"])
                sentence, args = f"Translate \"{text}\" into {lang}.", {"text": text, "target_language": lang}
            else:
                sentence, _, args = SAMPLERS[name](r)
            result, terms = RESULTS[name](r, args)
            assistant, ids = turn(r, [call(name, args)])
            messages = [{"role": "user", "content": sentence}, assistant, tool_message(ids[0], name, result)]
            needed, expected = [name], {"route": "tool_call", "answer_terms": terms}
        elif mode == 5:  # two parallel calls answered together
            name = r.choice(["get_weather", "get_stock_price", "get_account_balance"])
            if name == "get_weather":
                subjects = r.sample(CITIES, 2)
                argss = [{"city": c} for c in subjects]
                sentence = f"Is it warmer in {subjects[0]} or in {subjects[1]} right now?"
            elif name == "get_stock_price":
                picks = r.sample(SYMBOLS, 2)
                argss = [{"symbol": s} for _, s in picks]
                sentence = f"What are {picks[0][1]} and {picks[1][1]} trading at?"
            else:
                argss = [{"account": a} for a in r.sample(ACCOUNTS, 2)]
                sentence = f"How much is in my {argss[0]['account']} and {argss[1]['account']} accounts?"
            calls = [call(name, a) for a in argss]
            assistant, ids = turn(r, calls)
            messages = [{"role": "user", "content": sentence}, assistant]
            terms = []
            for ref, a in zip(ids, argss):
                result, t = RESULTS[name](r, a)
                messages.append(tool_message(ref, name, result))
                terms.append(t[0])
            needed, expected = [name], {"route": "tool_call", "answer_terms": terms}
        else:  # the result feeds the next call
            messages, needed, expected = chained(r, i)
        out.append({"variant": "follow_up", "messages": messages, "tools": offer(r, needed, low=len(needed)),
                    "tool_choice": "auto", "expected": expected})
    return out


def chained(r, i):
    kind = (i // 8) % 4
    if kind == 0:  # find the address, then write to it
        _, _, args = s_contact(r)
        subject = r.choice(SUBJECTS)
        result, _ = res_contact(r, args)
        first = (call("lookup_contact", args), f"Send {args['name']} an email with the subject '{subject}'.")
        nxt = call("send_email", {"to": [result["email"]], "subject": subject})
    elif kind == 1:  # find the order, then track its parcel
        mail = r_person(r)[2]
        args = {"customer_email": mail}
        number, carrier = r_tracking(r), r.choice(["ups", "dhl", "fedex"])
        order = f"A-{r.randint(10000, 99999)}"
        result = {"customer_email": mail, "orders": [{"order_id": order, "status": "shipped", "carrier": carrier,
                                                      "tracking_number": number}]}
        first = (call("search_orders", args), f"Where is the parcel of {mail}'s latest order? Find the order and track it.")
        nxt = call("track_package", {"tracking_number": number, "carrier": carrier})
    elif kind == 2:  # find the price, then convert it
        q = r.choice(PRODUCTS)
        args = {"query": q}
        price = r.randint(30, 400)
        target = r.choice(["EUR", "GBP", "JPY", "CHF"])
        result = {"results": [{"name": f"{q.title()} Basic", "price": price, "currency": "USD", "in_stock": True}]}
        first = (call("search_products", args), f"How much is the {q} in the shop, in {target}?")
        nxt = call("convert_currency", {"amount": price, "from": "USD", "to": target})
    else:  # check the balance, then move money
        amount = r.choice([100, 150, 200, 300])
        args = {"account": "checking"}
        result, _ = res_balance(r, args)
        result["balance"] = round(amount * 2 + r.randint(5, 400) + 0.45, 2)
        first = (call("get_account_balance", args),
                 f"Check my checking account and move {amount} to savings if there's more than {amount * 2} in it.")
        nxt = call("transfer_money", {"from_account": "checking", "to_account": "savings", "amount": amount})
    assistant, ids = turn(r, [first[0]])
    messages = [{"role": "user", "content": first[1]}, assistant, tool_message(ids[0], first[0]["tool"], result)]
    return messages, [first[0]["tool"], nxt["tool"]], {"route": "tool_call", "calls": [nxt]}


# ---------------------------------------------------------------- more of the first kinds (own generator)

MORE = random.Random(21)


def more_extract_items():
    out = []
    for i in range(18):
        number = r_tracking(MORE)
        carrier = MORE.choice(["ups", "fedex", "dhl", "usps"])
        weight = MORE.choice([0.4, 1.25, 2.5, 3.8, 12.0, 0.9])
        text = MORE.choice([
            "Extract tracking_number, carrier and weight_kg from this shipping notice: Your parcel {n} was handed to "
            "{c} today. Weight: {w} kg.",
            "Parse this label into JSON (tracking number, carrier, weight in kg): {C} | {n} | {w} kg",
            "From this message, pull out the tracking number, the carrier and the weight: shipped with {C}, "
            "tracking {n}, {w} kilograms."]).format(n=number, c=carrier.upper(), C=carrier.upper(), w=weight)
        out.append(("shipment", text, {"tracking_number": S, "carrier": {"type": "string", "enum": ["ups", "fedex", "dhl", "usps"]},
                                       "weight_kg": {"type": "number"}}, ["tracking_number", "carrier", "weight_kg"],
                    {"tracking_number": number, "carrier": carrier, "weight_kg": weight}))
    for i in range(17):
        title = MORE.choice(EVENTS)
        date = r_date(MORE)
        people = sorted({MORE.choice(FIRST).capitalize() for _ in range(MORE.randint(2, 3))})
        listed = ", ".join(people[:-1]) + " and " + people[-1]
        text = MORE.choice([
            "Extract the meeting title, date and attendees (a list of first names) from: {t} on {d} with {p}.",
            "Turn this note into JSON with title, date and attendees: \"{p} will join the {t} on {d}.\"",
            "From this invitation, get title, date and the list of attendees: You're invited to {t} ({d}). "
            "Guests: {p}."]).format(t=title, d=date, p=listed)
        out.append(("meeting", text, {"title": S, "date": S, "attendees": {"type": "array", "items": S}},
                    ["title", "date", "attendees"], {"title": title, "date": date, "attendees": people}))
    return [{"kind": "extract", "messages": [{"role": "user", "content": text}],
             "response_format": schema_format(name, props, req),
             "expected": {"route": "extract", "object": o}} for name, text, props, req, o in out]


LANGUAGE_TEXTS = {
    "english": ["The train to the city leaves at noon.", "Could you send me the report by Friday?",
                "We loved the food and the view.", "It has been raining since this morning."],
    "french": ["Le train pour la ville part à midi.", "Pourriez-vous m'envoyer le rapport vendredi ?",
               "Nous avons adoré la cuisine et la vue.", "Il pleut depuis ce matin."],
    "german": ["Der Zug in die Stadt fährt um zwölf Uhr ab.", "Könnten Sie mir den Bericht bis Freitag schicken?",
               "Das Essen und die Aussicht waren wunderbar.", "Es regnet seit heute Morgen."],
    "spanish": ["El tren a la ciudad sale al mediodía.", "¿Podría enviarme el informe el viernes?",
                "Nos encantó la comida y la vista.", "Llueve desde esta mañana."],
}
SPAM_TEXTS = {
    "spam": ["Congratulations! You won a free cruise, click here to claim now!!!",
             "Earn 5000 dollars a week from home, no experience needed.",
             "Your account will be closed, verify your password at this link immediately.",
             "Cheap watches, 90% off, limited offer, buy now!", "You have been selected for a cash prize. Reply with your bank details.",
             "Lose 10 kg in 3 days with this one weird pill!", "URGENT: claim your unpaid inheritance today."],
    "not_spam": ["Hi Tom, the meeting is moved to 3 pm tomorrow.", "Your order #4821 has shipped and arrives on Monday.",
                 "Reminder: dentist appointment on Thursday at 10.", "Here are the slides from today's workshop.",
                 "Can you review my pull request before lunch?", "Dinner at our place on Saturday? Bring the kids.",
                 "The invoice for March is attached."],
}


def more_classify_items():
    out = []
    for label, texts in LANGUAGE_TEXTS.items():
        for t in texts:
            phr = MORE.choice(["Which language is this text in: english, french, german or spanish? {t}",
                               "Detect the language (english/french/german/spanish): \"{t}\""])
            out.append(("language", phr.format(t=t), ["english", "french", "german", "spanish"], label))
    for label, texts in SPAM_TEXTS.items():
        for t in texts:
            phrs = MORE.sample(["Is this message spam or not_spam? {t}",
                                "Label this email as spam or not_spam: \"{t}\"",
                                "Spam filter: answer spam or not_spam for: {t}"], 1)
            out.append(("spam", phrs[0].format(t=t), ["spam", "not_spam"], label))
    MORE.shuffle(out)
    return [{"kind": "classify", "messages": [{"role": "user", "content": text}],
             "response_format": schema_format(name, {"label": {"type": "string", "enum": labels}}, ["label"]),
             "expected": {"route": "classify", "label": label}} for name, text, labels, label in out]


MORE_SUMMARY_TEXTS = [
    ("The ferry company added a late-night crossing on weekends after complaints that the last boat left too early "
     "for concert-goers.", ["ferry"]),
    ("A startup in Oslo raised twenty million euros to build batteries from sodium instead of lithium, which it says "
     "are cheaper and safer.", ["batteries", "sodium"]),
    ("The city will plant ten thousand trees along its main roads over the next three years to cool the streets in "
     "summer.", ["trees"]),
    ("Our support team cut the average response time from two days to six hours after introducing a shared inbox "
     "and a weekend rota.", ["response time"]),
    ("The volcano erupted overnight, sending ash across the island; the airport is closed until the wind changes.",
     ["volcano", "airport"]),
    ("The supermarket chain will stop selling plastic bags in all its stores from next month and offer paper bags "
     "instead.", ["plastic bags"]),
    ("Researchers trained a small language model on hospital notes and found it matched larger models at coding "
     "diagnoses while running on a laptop.", ["model", "laptop"]),
    ("The orchestra cancelled its autumn tour because its conductor broke his wrist in a cycling accident.",
     ["orchestra", "tour"]),
    ("Housing prices in the capital fell for the third quarter in a row as mortgage rates stayed high.",
     ["housing prices"]),
    ("The new vaccine for the seasonal flu will be offered free of charge to everyone over sixty from October.",
     ["vaccine"]),
    ("The data centre now runs entirely on wind power after the company signed a contract with an offshore farm.",
     ["wind"]),
    ("A lost hiker was found alive after two nights in the forest, thanks to a drone with a thermal camera.",
     ["hiker", "drone"]),
    ("The town's only bookshop will close in January after forty years, as its owner retires.", ["bookshop"]),
    ("Train drivers agreed to a new contract with a five percent raise, ending months of strikes.",
     ["contract", "strikes"]),
    ("The app's latest version lets users split a bill between friends and pay their share in one tap.",
     ["bill"]),
]


def more_summarize_items():
    phrasings = ["In one sentence, what is this about? {t}", "Summarize: {t}", "Condense this to a single line: {t}",
                 "Short summary please. {t}", "What's the gist of this? {t}"]
    return [{"kind": "summarize", "messages": [{"role": "user", "content": phr.format(t=t)}],
             "expected": {"route": "summarize", "key_terms": terms}}
            for t, terms in MORE_SUMMARY_TEXTS for phr in MORE.sample(phrasings, 2)]


def more_reason_items():
    out = []
    for i in range(10):
        price = MORE.choice([40, 60, 80, 120, 200])
        off = MORE.choice([10, 25, 50])
        out.append((f"Work it out step by step: a jacket costs {price} euros and is {off}% off. How many euros do I pay?",
                    str(price * (100 - off) // 100)))
    for i in range(10):
        h, m = MORE.randint(8, 15), MORE.choice([10, 20, 40, 50])
        length = MORE.choice([35, 50, 75, 95, 110])
        end = h * 60 + m + length
        out.append((f"Think step by step: a meeting starts at {h}:{m:02d} and lasts {length} minutes. At what time does it end?",
                    f"{end // 60}:{end % 60:02d}"))
    for i in range(10):
        boxes, per, broken = MORE.randint(3, 9), MORE.choice([6, 12, 24]), MORE.randint(1, 9)
        out.append((f"Reason step by step: a shop receives {boxes} boxes of {per} eggs and {broken} eggs are broken. "
                    f"How many whole eggs are there?", str(boxes * per - broken)))
    return [{"kind": "reason", "messages": [{"role": "user", "content": q}],
             "expected": {"route": "reason", "answer": a}} for q, a in out]


MORE_OUT_OF_SCOPE = [
    "good evening :)", "yo", "Thank you, bye.", "nice one", "I'm so tired today.", "What's your name?",
    "Do you like cats or dogs?", "Tell me something interesting.", "Write a short poem about rain.",
    "Make up a riddle for me.", "Who discovered penicillin?", "How many planets are in the solar system?",
    "What is the tallest building in the world?", "When did the Berlin Wall fall?", "Which is the longest river?",
    "Recommend a board game for four players.", "What should I cook tonight?", "Is it bad to drink coffee at night?",
    "Tell me a fun fact about octopuses.", "Can you be my friend?", "wubba lubba dub dub", "qwertyuiop",
    "...?", "k", "Pretend you're a pirate and say hello.", "Sing happy birthday.", "Are you conscious?",
    "Guess my favourite number.", "What's the best football team ever?", "Describe the colour blue to me.",
]


def more_out_of_scope_items():
    return [{"kind": "out_of_scope", "messages": [{"role": "user", "content": typo(t, MORE)}], "expected": {"route": None}}
            for t in MORE_OUT_OF_SCOPE]


def split(item_id):
    return "calibration" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 10 < 6 else "test"


def main():
    # The first 340 items come first, from the first generator, so that their ids and content stay put.
    first = [tool_call_items(), extract_items(), classify_items(), summarize_items(), reason_items(), out_of_scope_items()]
    for item in first[0]:
        item["variant"] = "single"
    tool, extract, classify, summarize, reason, oos = first
    groups = [("tool", tool + single_items(NEW, 90)), ("parallel", parallel_items(NEW, 90)),
              ("notool", no_tool_items(NEW, 80)), ("followup", follow_up_items(NEW, 88)),
              ("extract", extract + more_extract_items()), ("classify", classify + more_classify_items()),
              ("summarize", summarize + more_summarize_items()), ("reason", reason + more_reason_items()),
              ("oos", oos + more_out_of_scope_items())]
    for prefix, items in groups:
        for n, item in enumerate(items, 1):
            item_id = f"{prefix}-{n:03d}"
            line = {"id": item_id, "kind": item.get("kind", "tool_call")}
            if "variant" in item:
                line["variant"] = item["variant"]
            line.update({"split": split(item_id), "messages": item["messages"]})
            for key in ("tools", "tool_choice", "response_format"):
                if key in item:
                    line[key] = item[key]
            line["expected"] = item["expected"]
            print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
