"""``{{ amount|kr }}`` → «1 249,50 kr»; ``{{ line.quantity|qty }}`` → «1,5». See crm/money.py."""

from django import template

from crm import money

register = template.Library()

register.filter("kr", money.kr)
register.filter("qty", money.quantity_text)
