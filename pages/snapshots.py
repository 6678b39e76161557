"""Snapshots: placeholder until snapshots land."""
import streamlit as st
st.title("Snapshots")
