import pytest

from crm.demo import DemoContext
from orders import demo
from orders.models import Invoice, Order
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import CustomerContactFactory

pytestmark = pytest.mark.django_db


def test_demo_orders_are_made_once_for_private_customers_and_companies(staff, firm_admin):
    CustomerContactFactory.create_batch(4)
    for n in range(4):
        CompanyFactory(customer_number=990000 + n)
    ctx = DemoContext(contacts=0, companies=0, seed=7, admin=firm_admin, staff=staff, quiet=True)
    demo.seed(ctx)
    orders = Order.objects.count()
    invoices = Invoice.objects.count()
    assert orders == 8
    assert Order.objects.filter(company__isnull=False).count() == 4
    assert invoices >= 4 and Invoice.objects.filter(kind="credit").count() == 1
    demo.seed(ctx)
    assert (Order.objects.count(), Invoice.objects.count()) == (orders, invoices)
