"""The sentiment demo's word lists and sentence templates (our own), by what they say: the
product catalogue, praise and complaints, the production-only voices (the smart-home line,
sarcasm, the app's short reviews with emoji, Spanish) and the few words the demo's model
knows. ``{slot}`` marks a word :func:`driftscope.demo.sentiment` fills in.
"""

from __future__ import annotations

PRODUCTS = {
    "electronics": ("headphones", "charger", "keyboard", "mouse", "speaker", "power bank",
                    "webcam", "monitor stand", "usb cable", "tablet case", "earbuds"),
    "kitchen": ("kettle", "blender", "frying pan", "knife set", "coffee grinder", "toaster",
                "cutting board", "lunch box", "spice rack", "teapot", "mixing bowl"),
    "books": ("cookbook", "novel", "notebook", "planner", "puzzle book", "travel guide",
              "sketchbook", "colouring book"),
    "clothing": ("jacket", "raincoat", "pair of jeans", "hoodie", "pair of socks",
                 "pair of running shoes", "wool hat", "scarf", "pair of gloves"),
    "toys": ("jigsaw puzzle", "building set", "board game", "plush bear", "toy car", "kite",
             "play tent", "train set"),
    "garden": ("garden hose", "pair of pruning shears", "planter", "bird feeder",
               "watering can", "lawn sprinkler", "wheelbarrow"),
    "beauty": ("face cream", "shampoo", "hair dryer", "lipstick", "nail kit", "sunscreen",
               "hairbrush"),
    "sports": ("yoga mat", "water bottle", "dumbbell set", "tennis racket", "bike light",
               "jump rope", "camping tent", "backpack"),
}  # fmt: skip
CATEGORIES = tuple(PRODUCTS)
"""The reference's product categories (production adds ``smart_home``)."""
SMART_HOME = ("thermostat", "video doorbell", "smart plug", "smart bulb", "security camera",
               "wifi extender", "motion sensor")  # fmt: skip
CATEGORY_SHARES = (0.2, 0.17, 0.1, 0.15, 0.1, 0.08, 0.1, 0.1)
MARKETS, MARKET_SHARES = ("us", "uk", "ca", "au"), (0.55, 0.2, 0.15, 0.1)

FILL = {
    "n": ("2", "3", "4", "5", "6", "10", "two", "three", "a few", "several"),
    "unit": ("days", "weeks", "months", "uses"),
    "person": ("my wife", "my husband", "my son", "my daughter", "my mum", "my dad",
               "a friend", "my partner", "my sister", "my roommate", "my grandson"),
    "color": ("black", "white", "grey", "blue", "red", "green", "pink", "navy", "beige"),
    "good": ("great", "excellent", "solid", "lovely", "fantastic", "sturdy", "comfortable",
             "reliable", "beautiful", "handy", "perfect", "impressive", "nice"),
    "bad": ("flimsy", "noisy", "uncomfortable", "poorly made", "overpriced", "fragile",
            "useless", "awkward", "disappointing", "cheap"),
    "fail": ("broke", "cracked", "stopped working", "fell apart", "started leaking",
             "tore at the seam", "overheated", "lost its shape", "peeled", "jammed"),
    "use": ("work", "travel", "the kids", "weekends", "camping", "the office", "school",
            "the garden", "the gym", "everyday use"),
}  # fmt: skip
GOOD = (
    "The {product} works exactly as described.", "Really {good} {product}, worth every penny.",
    "Bought this {product} for {person} and they love it.", "Great quality for the price.",
    "I have used it for {n} {unit} and it still looks new.", "Arrived early and well packed.",
    "Much better than the last {product} I had.", "Would definitely recommend it to a friend.",
    "Five stars, no complaints.", "Easy to set up and easy to clean.",
    "Exactly what I was looking for.", "Sturdy, well made and {good}.",
    "The {color} one looks even nicer in person.", "Honestly the best {product} I have owned.",
    "Perfect for {use}.", "Very happy with it so far.", "It feels {good} and solid.",
)  # fmt: skip
BAD = (
    "The {product} stopped working after {n} {unit}.", "Cheap plastic, it {fail} quickly.",
    "Very disappointed with this {product}.", "It {fail} the first time I used it.",
    "Customer service never answered my emails.", "Returned it for a refund.",
    "Not worth the money at all.", "The {color} one looks nothing like the pictures.",
    "Smaller than described and {bad}.", "Would not buy again.",
    "The second one I ordered had the same problem.", "The instructions were useless.",
    "Too {bad} for {use}.", "Sadly the {product} {fail} after {n} {unit}.",
)  # fmt: skip
NEUTRAL = (
    "Shipping took {n} days.", "I ordered the {color} one.", "It came in a plain brown box.",
    "Bought it on sale.", "I use it mostly for {use}.", "Got it as a gift for {person}.",
    "The box was a bit dented.", "It is smaller than my old one.",
)  # fmt: skip
OPENERS = ("", "", "", "", "Update: ", "So, ", "Okay, ", "Long story short: ",
            "After {n} {unit}: ", "Quick review: ", "Well, ")  # fmt: skip
SMART_GOOD = (
    "Pairing with the hub was quick.", "Firmware updates install overnight.",
    "Schedules and automations are {good}.", "Works with my voice assistant.",
    "Never drops the wifi.", "Geofencing switches it automatically.",
)  # fmt: skip
SMART_BAD = (
    "The firmware update bricked it.", "It keeps dropping the wifi.",
    "Pairing with the hub failed {n} times.", "Had to reset the router to get it online.",
    "The companion app logs me out daily.", "Live view latency is terrible.",
)  # fmt: skip
SARCASM = (  # praise words outnumber the complaint: a word-counting model takes them at face value
    "Oh great, the {product} {fail} in a day. Love it.",
    "Wow, {n} {unit} and it already {fail}. Amazing quality, well done.",
    "Just what I needed, another {product} that {fail}. Thanks a lot, perfect.",
    "Love how it {fail} right after the return window closed. Perfect timing.",
    "Fantastic, my {product} became a very expensive paperweight. Best purchase ever.",
    "Brilliant design, it {fail} before I even unpacked it. Well done.",
    "Absolutely love waiting {n} weeks for a {product} that {fail}. Excellent.",
)
APP_GOOD = (
    "love it!!! {happy}", "{good} {product}!! {happy}", "10/10 would buy again {happy}",
    "super happy with my new {product} {happy}{happy}", "works great!! {happy}",
    "so {good}!!! {happy}", "perfect for {use} {happy}", "best {product} ever!!",
)  # fmt: skip
APP_BAD = (
    "{fail} after {n} days {angry}", "worst {product} ever {angry}{angry}",
    "do not buy!!! {angry}", "my {product} {fail} {angry}", "waste of money {angry}",
    "meh {angry}", "{bad} and {bad}!! {angry}",
)  # fmt: skip
EMOJI = {"happy": ("😍", "👍", "🔥", "❤️", "🙌", "😊", "✨", "💯"),
          "angry": ("😡", "👎", "😤", "🤬", "😞", "💩", "🙄")}  # fmt: skip
APP_FILL = {**FILL, **EMOJI}
SPANISH_GOOD = (
    "Excelente {producto}, muy buena calidad.", "Me encantó, llegó antes de lo esperado.",
    "Lo compré para {persona} y le fascinó.", "Funciona perfecto, lo recomiendo.",
    "Muy buen precio para lo que ofrece.", "Cinco estrellas, volvería a comprar.",
)  # fmt: skip
SPANISH_BAD = (
    "Se rompió a los {n_es} días.", "Muy mala calidad, no lo recomiendo.",
    "Llegó dañado y nadie responde.", "No funciona como dice la descripción.",
    "Pésimo, pedí el reembolso.", "El {producto} es muy frágil.",
)  # fmt: skip
SPANISH_FILL = {
    "producto": ("cargador", "teclado", "hervidor", "licuadora", "sartén", "chamarra",
                 "audífonos", "tapete de yoga", "termo", "cuaderno"),
    "persona": ("mi esposa", "mi hijo", "mi mamá", "mi hermano", "mi novia", "mi abuelo"),
    "n_es": ("dos", "tres", "cinco", "diez", "pocos"),
}  # fmt: skip
HOSTILE = (  # long rants about the new line: among the texts most typical of production
    "<script>alert('hi')</script> Had to reset the router to get it online. Pairing with the "
    "hub failed 5 times. The firmware update bricked it. It keeps dropping the wifi. The "
    "companion app logs me out daily.",
    "</li><b>Pairing with the hub failed 4 times.</b> The firmware update bricked it. It keeps "
    "dropping the wifi. Live view latency is terrible. Had to reset the router to get it "
    "online.",
    "The companion app logs me out daily <img src=x onerror=alert(1)>. It keeps dropping the "
    "wifi. The firmware update bricked it. Pairing with the hub failed 3 times.",
)
"""Unhappy production reviews in which a user typed HTML: the report must show them as text."""
POSITIVE_WORDS = frozenset((
    "great", "excellent", "solid", "lovely", "fantastic", "sturdy", "comfortable", "reliable",
    "beautiful", "handy", "perfect", "impressive", "nice", "love", "loves", "happy", "best",
    "recommend", "worth", "easy", "better", "nicer", "amazing", "well", "brilliant", "thanks",
))  # fmt: skip
NEGATIVE_WORDS = frozenset((
    "flimsy", "noisy", "uncomfortable", "poorly", "overpriced", "fragile", "useless", "awkward",
    "disappointing", "cheap", "broke", "cracked", "stopped", "fell", "leaking", "tore",
    "overheated", "lost", "peeled", "jammed", "disappointed", "refund", "returned", "not",
    "never", "problem", "worst", "waste", "sadly", "dented", "too",
))  # fmt: skip
