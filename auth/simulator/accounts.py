"""The simulator's selling accounts: each selling partner ID is its own account, with its own
store name and marketplaces, derived from the ID so that every process agrees without
sharing state."""

import hashlib
from dataclasses import dataclass

from auth.config.marketplaces import Marketplace
from auth.config.marketplaces import catalog

STORE_WORDS = (
    "Acorn", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Harbor",
    "Iris", "Juniper", "Kestrel", "Lagoon", "Maple", "Nimbus", "Orchid", "Pebble",
)  # fmt: skip


@dataclass(frozen=True)
class SimulatedAccount:
    """One simulated seller: its ID, store name and the marketplaces it sells in."""

    selling_partner_id: str
    store_name: str
    marketplaces: tuple[Marketplace, ...]

    def marketplaces_in(self, region_code: str) -> list[Marketplace]:
        """The account's marketplaces in one region."""
        return [m for m in self.marketplaces if m.region.code == region_code]


def account_for(selling_partner_id: str) -> SimulatedAccount:
    """The account a selling partner ID names: the same answer in every process."""
    seed = hashlib.sha256(selling_partner_id.encode()).digest()
    store = f"{STORE_WORDS[seed[0] % 16]} {STORE_WORDS[seed[1] % 16]} {selling_partner_id[-4:].upper()}"
    chosen = []
    by_region: dict[str, list[Marketplace]] = {}
    for marketplace in catalog().marketplaces:
        by_region.setdefault(marketplace.region.code, []).append(marketplace)
    for index, (_code, marketplaces) in enumerate(sorted(by_region.items())):
        # Every account sells in its region's first marketplace and in a seeded share of the rest.
        bits = int.from_bytes(seed[4 + 4 * index : 8 + 4 * index], "big")
        chosen.append(marketplaces[0])
        chosen.extend(m for n, m in enumerate(marketplaces[1:]) if bits >> n & 1)
    return SimulatedAccount(selling_partner_id, store, tuple(chosen))
