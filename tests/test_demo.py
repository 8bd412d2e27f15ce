from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.agencies.tables import Agency
from drillhub.auth.service import sign_in
from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo


async def test_demo_data_covers_every_role_and_kind_and_loads_twice_alike(app):
    await load_demo()
    counts = (await Agency.count(), await Person.count(), await SupervisedAgency.count())
    await load_demo()
    assert (await Agency.count(), await Person.count(), await SupervisedAgency.count()) == counts
    assert counts[0] >= 5 and counts[1] >= 30
    kinds = {row["kind"] for row in await Agency.select(Agency.kind)}
    assert len(kinds) >= 5
    for role, email in DEMO_SIGN_INS.items():
        person = await Person.objects().get(Person.email == email)
        assert role in person.roles
        assert await sign_in(email, DEMO_PASSWORD, "", previous_token=None)
