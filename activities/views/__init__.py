"""The pages of activities, a module each: appointments, tasks, notes, projects, the
Planner, the group calendar and the pickers' live search. urls.py imports them by name;
the tabs activities adds to other pages are in activities/tabs.py."""
