"""score top and bottom counts, CTM-3 from CTM-15, three disability answers

Each response_score row gains ``top`` (items answered with the scale's top option, "Strongly
agree") and ``bottom`` (items answered in the lower half of the scale) for top and bottom
boxes; every CTM-15 response gains a CTM-3 score from its items 2, 9 and 13; the equality
profile's disability becomes the three Census 2021 answers (limited_a_lot, limited_a_little,
not_disabled).

All three are derived data, so the upgrade rebuilds both tables from the answers
(``app.data.scores.rebuild_scores``, the code ``flask scores rebuild`` runs) on the
migration's own connection, inside the migration's one transaction: reports are right as soon
as the upgrade ends, and a failure leaves the database as it was. It runs the app's scoring
code of the day; ``tests/integration/test_migrations_keep_data.py`` upgrades a populated
database through this step, so a later change that broke it would fail there.

The downgrade keeps every row (the project's rule: a downgrade never deletes data): it drops
the two counts, which a rebuild recomputes, so the keep_data guard is not called for them; it
turns the two "limited" answers back into "disabled"; the CTM-3 scores derived from CTM-15
stay (an older version's ``flask scores rebuild`` removes them).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.scores import rebuild_scores


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIMITED = ("limited_a_lot", "limited_a_little")


def upgrade():
    with op.batch_alter_table("response_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("top", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bottom", sa.Integer(), nullable=True))
    # The session joins the migration's transaction: it neither commits nor rolls it back.
    with Session(bind=op.get_bind()) as session:
        rebuild_scores(session=session)
        session.flush()
    with op.batch_alter_table("response_score", schema=None) as batch_op:
        batch_op.alter_column("top", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("bottom", existing_type=sa.Integer(), nullable=False)


def downgrade():
    profile = sa.table("response_profile", sa.column("disability", sa.String))
    op.execute(
        profile.update().where(profile.c.disability.in_(LIMITED)).values(disability="disabled")
    )
    with op.batch_alter_table("response_score", schema=None) as batch_op:
        batch_op.drop_column("bottom")
        batch_op.drop_column("top")
