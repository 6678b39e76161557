"""Updates: placeholder until the upload flow lands."""
import streamlit as st
st.title("Updates")
