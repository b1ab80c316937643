"""Spreadsheet exports of orders: the table (CSV and XLSX) and the background jobs that write it."""
