"""Standing cast for every test: a small province with two communes.

    province (organisation committee: `orgcom`)
    ├── commune A (standing committee: `committee`)
    │   ├── cell A1: `secretary`, `member`, others
    │   └── cell A2
    └── commune B
        └── cell B1: `outsider` (B1's secretary)
"""

from types import SimpleNamespace

import pytest

from cells.models import Organization
from members.models import CommitteeSeat, Role
from tests import factories as f
from tests.notifications_channels.fake_push import FakePushService
from tests.signin.fake_esms import FakeEsms, use_fake_gateway


@pytest.fixture
def tree(db):
    province = f.org("Đảng bộ tỉnh Thử", kind=Organization.Kind.PROVINCE, regular_meeting_day=5)
    commune_a = f.org("Đảng bộ xã An Phú", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=province)
    commune_b = f.org("Đảng bộ xã Bình Minh", kind=Organization.Kind.GRASSROOTS_COMMITTEE, parent=province)
    cell_a1 = f.org("Chi bộ thôn Đông", parent=commune_a, address="Nhà văn hóa thôn Đông")
    cell_a2 = f.org("Chi bộ thôn Đoài", parent=commune_a)
    cell_b1 = f.org("Chi bộ thôn Nam", parent=commune_b)
    return SimpleNamespace(province=province, commune_a=commune_a, commune_b=commune_b,
                           a1=cell_a1, a2=cell_a2, b1=cell_b1)


@pytest.fixture
def cast(tree):
    secretary = f.member(tree.a1, name="Trần Văn Bí", role=Role.SECRETARY, username="secretary")
    member = f.member(tree.a1, name="Lê Thị Hoa", username="member")
    committee = f.member(tree.a2, name="Phạm Đức Ủy", role=Role.SECRETARY, username="committee")
    f.seat(committee, tree.commune_a)
    orgcom = f.member(tree.a2, name="Hoàng Minh Tổ", username="orgcom")
    f.seat(orgcom, tree.province, CommitteeSeat.Body.ORGANIZATION_COMMITTEE)
    outsider = f.member(tree.b1, name="Vũ Văn Ngoài", role=Role.SECRETARY, username="outsider")
    admin = f.user("admin", is_superuser=True, is_staff=True)
    return SimpleNamespace(
        tree=tree, secretary=secretary, member=member, committee=committee, orgcom=orgcom,
        outsider=outsider, admin=admin,
    )


@pytest.fixture
def login(client):
    def _login(user_or_member):
        user = getattr(user_or_member, "user", None) or user_or_member
        client.force_login(user)
        return client
    return _login


@pytest.fixture
def gateway(settings):
    """The fake eSMS gateway on 127.0.0.1, and the SMS settings pointed at it."""
    fake = FakeEsms().start()
    use_fake_gateway(settings, fake)
    yield fake
    fake.stop()


@pytest.fixture
def push(settings):
    """The fake push service on 127.0.0.1, and the site configured with its VAPID pair."""
    fake = FakePushService().start()
    settings.HANDBOOK_VAPID_PUBLIC_KEY = fake.public_key
    settings.HANDBOOK_VAPID_PRIVATE_KEY = fake.private_key
    settings.HANDBOOK_VAPID_SUBJECT = "mailto:quantri@example.vn"
    settings.HANDBOOK_PUSH_SERVICES = [fake.origin]
    settings.HANDBOOK_PUSH_TIMEOUT = 5
    yield fake
    fake.stop()
