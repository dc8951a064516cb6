"""response left blank

The items a response was asked and left blank, kept on completion so that
``flask scores rebuild`` scores it as completion did: a score needs a minimum of the items
*asked* answered, and blank statements on a paper form are asked. One nullable JSON column:
responses completed before it have none, and a rebuild takes their answered items as asked,
as it did before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa
from keep_data import refuse_to_drop


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_blank", sa.JSON(), nullable=True))


def downgrade():
    refuse_to_drop(
        "0007",
        columns=(("response", "left_blank"),),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("left_blank")
