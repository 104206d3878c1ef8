"""Demo partners: a Beijing procuratorate account that sees a referred demo lead (the
dumping in Guanting reservoir's level-I zone, upstream of Beijing) and the leads within
5 km of Yanqing district, by a sharing agreement."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accounts.auth import create_user
from app.services.demo.base import DEMO_PROSECUTOR
from app.services.partners.referrals import refer
from app.services.partners.shares import grant_share
from app.settings import Settings
from models import Lead, User

DEMO_PARTNER = ("demo-beijing", "demo-password-2026")
PARTNER_ORG = "110000"  # 北京市人民检察院
SHARE_ORG, SHARE_BUFFER_M = "110119", 5000.0  # 延庆区人民检察院: jurisdiction + 5 km


def load_demo_partners(session: Session, *, settings: Settings) -> list[str]:
    """Create the Beijing partner account, a sharing agreement and one referral (once)."""
    prosecutor = session.scalar(select(User).where(User.username == DEMO_PROSECUTOR[0]))
    if prosecutor is None or session.scalar(
        select(User.id).where(User.username == DEMO_PARTNER[0])
    ):
        return []
    create_user(
        session,
        role="partner",
        org_code=PARTNER_ORG,
        username=DEMO_PARTNER[0],
        password=DEMO_PARTNER[1],
        display_name="北京市检察院（演示）Beijing procuratorate (demo)",
    )
    done = [f"partner account {DEMO_PARTNER[0]}"]
    grant_share(
        session,
        user=prosecutor,
        org_code=SHARE_ORG,
        buffer_m=SHARE_BUFFER_M,
        note="永定河—官厅水库跨界协作（演示）",
    )
    done.append(f"sharing agreement with {SHARE_ORG}")
    lead = session.scalar(
        select(Lead).where(Lead.category == "waste_dumping").order_by(Lead.id).limit(1)
    )
    if lead is not None:
        refer(
            session,
            user=prosecutor,
            lead_id=lead.id,
            to_org=PARTNER_ORG,
            basis="官厅水库为北京市饮用水备用水源，倾倒行为影响下游用水安全（跨区划移送）",
            note="请核实下游取水口水质并回执",
            grants_originals=True,
            settings=settings,
        )
        done.append(f"lead {lead.id} referred to {PARTNER_ORG}")
    return done
