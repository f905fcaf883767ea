"""Pipeline stages: read -> annotate -> dates -> places -> actors -> casualties -> events -> legal -> framing -> assemble.

Each stage is a plain function (or a small class) with one input and one output;
collaborators (the NLP annotator, the gazetteer) come in as Protocols.
"""
