"""paper batch defaults

A keyed batch can carry values most of its forms share (who answered, the service, or where
people moved from and to), as a JSON object in the record's shape: each new form of the batch
starts with them filled in. One nullable column: existing batches have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:10:00.000000

"""

from alembic import op
import sqlalchemy as sa
from keep_data import refuse_to_drop


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("defaults", sa.JSON(), nullable=True))


def downgrade():
    refuse_to_drop(
        "0006",
        columns=(("paper_batch", "defaults"),),
    )
    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.drop_column("defaults")
