# Faker: providers and locales found by listing its own packages (pkgutil.iter_modules over
# their folders), a branch it takes differently when sys.frozen is set.
from faker import Faker

Faker.seed(4)
for locale in ("en_US", "fr_FR", "ja_JP"):
    fake = Faker(locale)
    print(locale, fake.name(), fake.postcode(), fake.date_of_birth().year > 1900)
print("locales", len(Faker().locales), "providers", len(Faker().providers) > 20)
