# The one-customer check is now built by crm.owners.exactly_one(): the same rule with
# its terms in another order. Only Django's model state changes; the constraint in the
# database is equivalent and stays as it is.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="order",
                    name="order_exactly_one_customer",
                ),
                migrations.AddConstraint(
                    model_name="order",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("company__isnull", True), ("contact__isnull", False)),
                            models.Q(("company__isnull", False), ("contact__isnull", True)),
                            _connector="OR",
                        ),
                        name="order_exactly_one_customer",
                        violation_error_message="An order has exactly one customer.",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
